package dev.aegis.records;

import dev.aegis.store.ReceiptHead;
import dev.aegis.store.UsageRow;
import dev.aegis.store.UsageStore;
import java.util.List;
import java.util.function.Consumer;

/**
 * A usage row whose receipt is written (signed, appended, on disk): it names the receipt's
 * {@code seq}, and carries the trail's head as it stood after that receipt's batch.
 */
record SignedRow(UsageRow row, long receiptSeq, ReceiptHead head) {

    /** Stores rows whose receipts start at {@code firstReceiptSeq}, and the head, in one transaction ({@link UsageStore#insertSigned}). */
    interface RowStore {
        void insertSigned(List<UsageRow> rows, long firstReceiptSeq, ReceiptHead head);
    }

    /**
     * The second writer's sink: stores a batch of signed rows and the head in one transaction, then
     * writes their log lines. The batch's seqs are contiguous: the receipt writer hands rows over in
     * the order it signed them.
     */
    static Consumer<List<SignedRow>> store(RowStore store) {
        return batch -> CallLog.loggedAfter(rows -> store.insertSigned(rows, batch.getFirst().receiptSeq(), batch.getLast().head()))
                .accept(batch.stream().map(SignedRow::row).toList());
    }
}
