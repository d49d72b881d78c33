package dev.aegis.records;

import dev.aegis.receipts.ReceiptInput;
import dev.aegis.receipts.ReceiptLog;
import dev.aegis.store.ReceiptHead;
import dev.aegis.store.UsageRow;
import dev.aegis.store.UsageStore;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The writer's sink when receipts are on: signs and appends a batch's receipts, then stores their
 * usage rows, each naming its receipt's {@code seq}, and the trail's new head in one transaction
 * (then the log lines). The head thus rides in the batch the writer already makes: no work is
 * added to a call's thread and one transaction per batch, as before.
 *
 * <p>A batch that fails part way is retried by the {@link BackgroundWriter} as it stands; the
 * receipts already appended are not signed again: {@link #signed} counts them, and the store step
 * gives them the seqs they were written with.
 */
final class SignedUsage implements Consumer<List<ReceiptInput>> {

    /** Stores rows whose receipts start at {@code firstReceiptSeq} and the head, in one transaction ({@link UsageStore#insertSigned}). */
    interface RowStore {
        void insertSigned(List<UsageRow> rows, long firstReceiptSeq, ReceiptHead head);
    }

    private final ReceiptLog log;
    private final Consumer<List<UsageRow>> loggedRows;
    /** Leading receipts of the batch being written that are already in the trail. */
    private int signed;
    /** The seq of the batch's first receipt, once one is signed. */
    private long firstSeq;
    /** Rows of the current batch and where their receipts start, for {@link #storeSigned}. */
    private long rowsFirstSeq;
    private ReceiptHead rowsHead;

    SignedUsage(ReceiptLog log, RowStore store) {
        this.log = log;
        this.loggedRows = CallLog.loggedAfter(rows -> store.insertSigned(rows, rowsFirstSeq, rowsHead));
    }

    @Override
    public void accept(List<ReceiptInput> batch) {
        if (signed == 0) {
            firstSeq = log.head().seq() + 1;
        }
        if (signed < batch.size()) {
            List<ReceiptInput> todo = new ArrayList<>(batch.subList(signed, batch.size()));
            int before = todo.size();
            try {
                log.append(todo);
            } catch (UncheckedIOException e) {
                signed += before - todo.size(); // ReceiptLog removes what it wrote before the failure
                throw e;
            }
            signed = batch.size();
        }
        List<UsageRow> rows = new ArrayList<>(batch.size());
        for (ReceiptInput in : batch) {
            rows.add(in.row());
        }
        rowsFirstSeq = firstSeq;
        rowsHead = log.head();
        loggedRows.accept(rows);
        signed = 0;
    }
}
