package dev.aegis.records;

import dev.aegis.receipts.ReceiptInput;
import dev.aegis.receipts.ReceiptLog;
import dev.aegis.store.ReceiptHead;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The receipt writer's sink: signs and appends a batch's receipts (one fsync per file), then hands
 * each call's usage row, naming its receipt's {@code seq}, to the signed-rows writer as one batch
 * ({@link BackgroundWriter#submitAll}: written without a second linger), which stores
 * rows and the trail's head in one transaction ({@link SignedRow#store}). A row is therefore never
 * stored before its receipt is on disk, and signing and storing still run on two threads, as the
 * receipt and usage writers did before rows named their receipts: one thread doing both fell
 * seconds behind the calls under load (CrashUnderLoadIT lost every row of a run).
 *
 * <p>A batch whose append fails part way is retried by the {@link BackgroundWriter} as it stands;
 * the receipts already appended are not signed again: {@link #signed} counts them.
 */
final class SignedUsage implements Consumer<List<ReceiptInput>> {

    private final ReceiptLog log;
    private final Consumer<List<SignedRow>> next;
    /** Leading receipts of the batch being written that are already in the trail. */
    private int signed;
    /** The seq of the batch's first receipt, once one is signed. */
    private long firstSeq;

    SignedUsage(ReceiptLog log, Consumer<List<SignedRow>> next) {
        this.log = log;
        this.next = next;
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
        }
        ReceiptHead head = log.head();
        List<SignedRow> rows = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            rows.add(new SignedRow(batch.get(i).row(), firstSeq + i, head));
        }
        next.accept(rows);
        signed = 0;
    }
}
