package dev.aegis.records;

import dev.aegis.promptlog.AnswerPreview;
import dev.aegis.promptlog.PromptLogInput;
import dev.aegis.receipts.ReceiptInput;
import dev.aegis.store.UsageRow;
import java.time.Duration;
import java.util.List;

/**
 * Where every finished or refused call goes: its usage row, its signed receipt when audit is on,
 * and its prompt-log entry when the prompt log is on. The call's thread only enqueues; the writers
 * do the rest on their own threads. With receipts on, the receipt writer signs each receipt and
 * then hands its usage row, naming it, to the signed-rows writer ({@link SignedUsage}), so a row
 * never names a receipt not yet written.
 */
public final class CallRecorder implements AutoCloseable {

    private final BackgroundWriter<UsageRow> usage;
    private final BackgroundWriter<ReceiptInput> receipts;
    private final BackgroundWriter<SignedRow> signedRows;
    private final BackgroundWriter<PromptLogInput> promptLog;
    private final int previewChars;
    private final int maxBacklog;
    /** The writers of usage rows and receipts, in the order records pass through them (read on every call). */
    private final List<BackgroundWriter<?>> recordWriters;
    private final KeylessRecords keyless;
    /** The refusals' code while the records waiting fill {@code audit.max_backlog} (503). */
    static final String RECORDS_FULL = "records_unavailable";
    private final UnrecordedCalls refusedWhileFull = new UnrecordedCalls(System::nanoTime, "calls were refused (503"
            + " records_unavailable: the usage records and receipts waiting fill audit.max_backlog) and not recorded");

    /**
     * The recorder with receipts on: a receipt writer signing with {@code log}, and the writer that
     * stores the signed rows and the trail's head in {@code store}; what that writer still cannot
     * store when a stop's time is up (the database down) is kept in {@code spoolDir}, for
     * {@link #writeKeptSignedRows} at the next start.
     */
    public static CallRecorder withReceipts(dev.aegis.receipts.ReceiptLog log, dev.aegis.store.UsageStore store,
            java.nio.file.Path spoolDir, BackgroundWriter<PromptLogInput> promptLog, int previewChars, int maxBacklog) {
        BackgroundWriter<SignedRow> signedRows = new BackgroundWriter<>("usage", SignedRow.store(store::insertSigned),
                signedSpool(spoolDir)::keep);
        BackgroundWriter<ReceiptInput> receipts = new BackgroundWriter<>("receipts", new SignedUsage(log, signedRows::submitAll));
        return new CallRecorder(null, receipts, signedRows, promptLog, previewChars, maxBacklog);
    }

    /**
     * Stores the signed rows (and their trails' heads) a stop kept in {@code spoolDir}; how many. Run
     * before the receipt log opens, so it resumes from a head that counts them.
     */
    public static int writeKeptSignedRows(java.nio.file.Path spoolDir, dev.aegis.store.UsageStore store) throws java.io.IOException {
        return signedSpool(spoolDir).replay(SignedRow.store(store::insertSigned));
    }

    private static Spool<SignedRow> signedSpool(java.nio.file.Path spoolDir) {
        return new Spool<>(spoolDir, "signed-usage", SignedRow.class);
    }

    /** A recorder whose receipt writer's sink is given (benchmarks of what a call's thread pays to record it). */
    public static CallRecorder withReceiptWriter(BackgroundWriter<ReceiptInput> receipts,
            BackgroundWriter<PromptLogInput> promptLog, int previewChars, int maxBacklog) {
        return new CallRecorder(null, receipts, null, promptLog, previewChars, maxBacklog);
    }

    /** The recorder with receipts off: usage rows go straight to {@code usage}. */
    public CallRecorder(BackgroundWriter<UsageRow> usage, BackgroundWriter<PromptLogInput> promptLog, int previewChars,
            int maxBacklog) {
        this(usage, null, null, promptLog, previewChars, maxBacklog);
    }

    private CallRecorder(BackgroundWriter<UsageRow> usage, BackgroundWriter<ReceiptInput> receipts,
            BackgroundWriter<SignedRow> signedRows, BackgroundWriter<PromptLogInput> promptLog, int previewChars,
            int maxBacklog) {
        this.usage = usage;
        this.receipts = receipts;
        this.signedRows = signedRows;
        this.promptLog = promptLog;
        this.previewChars = previewChars;
        this.maxBacklog = maxBacklog;
        this.keyless = new KeylessRecords(System::nanoTime);
        this.recordWriters = java.util.stream.Stream.<BackgroundWriter<?>>of(usage, receipts, signedRows)
                .filter(java.util.Objects::nonNull).toList();
    }

    /** Records submitted and not yet written, usage rows and receipts together. */
    public long backlog() {
        long sum = 0;
        for (BackgroundWriter<?> w : recordWriters) {
            sum += w.backlog();
        }
        return sum;
    }

    /** True while usage rows or receipts cannot be written. */
    public boolean failing() {
        for (BackgroundWriter<?> w : recordWriters) {
            if (w.failing()) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when records cannot be written and too many wait in memory: new model calls are then
     * refused, so no call goes unrecorded and memory stays bounded. Asked on every model call: plain
     * loops over a fixed list (a stream per call showed in the call path's CPU profile).
     */
    public boolean full() {
        for (BackgroundWriter<?> w : recordWriters) {
            if (w.backlog() >= maxBacklog && (w.failing() || w.stalled())) {
                return true;
            }
        }
        return false;
    }

    /**
     * What collects the start of a model call's streamed answer for the prompt log; null when the
     * prompt log is off (then nothing is collected).
     *
     * @param responses true for the Responses API
     */
    public AnswerPreview answerPreview(boolean responses) {
        return promptLog == null ? null : new AnswerPreview(previewChars, responses);
    }

    public void record(UsageRow row, Exchange exchange) {
        if (row.keyId() == null && !keyless.record()) {
            return; // a keyless flood: answered, not recorded past KeylessRecords.PER_SECOND
        }
        if (RECORDS_FULL.equals(row.errorCode())) {
            // Refused because the records waiting already fill audit.max_backlog: recording the refusal would add to
            // them, with every retry, without bound (an outside review: 60,000 in 40 s of a locked database).
            refusedWhileFull.count();
            return;
        }
        if (receipts != null) {
            receipts.submit(ReceiptInput.of(row, exchange.request(), exchange.response(), exchange.responseSha256()));
        } else {
            usage.submit(row);
        }
        if (promptLog != null && exchange.modelCall() && exchange.request() != null) {
            promptLog.submit(new PromptLogInput(row, exchange.request(), exchange.response(), exchange.streamedAnswer()));
        }
    }

    /** Waits until every record submitted so far is written (usage, receipts, prompt log); false on timeout. */
    public boolean flush(Duration timeout) throws InterruptedException {
        // Receipts before the signed rows: their writer hands the rows on as it finishes.
        for (BackgroundWriter<?> w : recordWriters) {
            if (!w.flush(timeout)) {
                return false;
            }
        }
        return promptLog == null || promptLog.flush(timeout);
    }

    /** Flushes all: receipts before the rows they hand on, then the prompt log. */
    public void close(Duration timeout) {
        recordWriters.forEach(w -> w.close(timeout));
        if (promptLog != null) {
            promptLog.close(timeout);
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
