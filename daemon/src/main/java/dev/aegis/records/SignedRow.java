package dev.aegis.records;

import dev.aegis.store.ReceiptHead;
import dev.aegis.store.UsageRow;
import dev.aegis.store.UsageStore;
import java.util.List;
import java.util.function.Consumer;

/**
 * A usage row whose receipt is written (signed, appended, on disk): it names the receipt's
 * {@code seq}, and carries the trail's head (with its instance) as it stood after that receipt's
 * batch. Kept as a JSON line in the spool when a stop cannot store it ({@link Spool}).
 */
record SignedRow(UsageRow row, long receiptSeq, ReceiptHead head) {

    /** Stores rows whose receipts start at {@code firstReceiptSeq}, and the head, in one transaction ({@link UsageStore#insertSigned}). */
    interface RowStore {
        void insertSigned(List<UsageRow> rows, long firstReceiptSeq, ReceiptHead head);
    }

    /**
     * The second writer's sink: stores a batch of signed rows and the head in one transaction, then
     * writes their log lines. The writer's batches are runs of contiguous seqs (the receipt writer
     * hands rows over in the order it signed them), which may end inside one batch of receipts (the
     * writer's own batch bound, a linger that ends while rows are handed over): the head, that of the
     * receipts' batch, moves only with the run whose last row is its receipt ({@link
     * UsageStore#insertSigned}). Rows kept by stops and written by a start may be several runs, each
     * stored with its own last head, in order. A run stored is removed from the batch before the next,
     * so a failure leaves only what is still to be written.
     */
    static Consumer<List<SignedRow>> store(RowStore store) {
        return batch -> {
            while (!batch.isEmpty()) {
                List<SignedRow> run = batch.subList(0, run(batch));
                CallLog.loggedAfter(rows -> store.insertSigned(rows, run.getFirst().receiptSeq(), run.getLast().head()))
                        .accept(run.stream().map(SignedRow::row).toList());
                run.clear();
            }
        };
    }

    /** How many leading rows of {@code batch} follow each other in one trail and one batch of receipts. */
    private static int run(List<SignedRow> batch) {
        int n = 1;
        // One receipts' batch (one head) at a time: a run across two moved neither's head.
        while (n < batch.size() && batch.get(n).receiptSeq() == batch.get(n - 1).receiptSeq() + 1
                && batch.get(n).head().equals(batch.get(n - 1).head())) {
            n++;
        }
        return n;
    }
}
