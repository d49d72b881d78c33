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
 * do the rest on their own threads. With receipts on, one writer signs the receipt and then stores
 * the usage row naming it ({@link #signedUsage}), so a row never names a receipt not yet written.
 */
public final class CallRecorder implements AutoCloseable {

    private final BackgroundWriter<UsageRow> usage;
    private final BackgroundWriter<ReceiptInput> receipts;
    private final BackgroundWriter<PromptLogInput> promptLog;
    private final int previewChars;
    private final int maxBacklog;

    /** The receipt writer's sink: receipts, then their usage rows and the trail's head in one transaction. */
    public static java.util.function.Consumer<List<ReceiptInput>> signedUsage(dev.aegis.receipts.ReceiptLog log,
            dev.aegis.store.UsageStore store) {
        return new SignedUsage(log, store::insertSigned);
    }

    /**
     * @param usage the usage writer; null when receipts are on (their writer stores the rows too)
     * @param receipts null when receipts are off
     * @param promptLog null when the prompt log is off
     * @param previewChars the prompt log's {@code preview_chars}
     * @param maxBacklog records that may wait in memory, per writer, before {@link #full()} says so
     */
    public CallRecorder(BackgroundWriter<UsageRow> usage, BackgroundWriter<ReceiptInput> receipts,
            BackgroundWriter<PromptLogInput> promptLog, int previewChars, int maxBacklog) {
        this.usage = usage;
        this.receipts = receipts;
        this.promptLog = promptLog;
        this.previewChars = previewChars;
        this.maxBacklog = maxBacklog;
    }

    /** Records submitted and not yet written, usage rows and receipts together. */
    public long backlog() {
        return (usage == null ? 0 : usage.backlog()) + (receipts == null ? 0 : receipts.backlog());
    }

    /** True while usage rows or receipts cannot be written. */
    public boolean failing() {
        return (usage != null && usage.failing()) || (receipts != null && receipts.failing());
    }

    /**
     * True when records cannot be written and too many wait in memory: new model calls are then
     * refused, so no call goes unrecorded and memory stays bounded.
     */
    public boolean full() {
        return failing() && ((usage != null && usage.backlog() >= maxBacklog)
                || (receipts != null && receipts.backlog() >= maxBacklog));
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
        if (receipts != null) {
            receipts.submit(new ReceiptInput(row, exchange.request(), exchange.response(), exchange.responseSha256()));
        } else {
            usage.submit(row);
        }
        if (promptLog != null && exchange.modelCall() && exchange.request() != null) {
            promptLog.submit(new PromptLogInput(row, exchange.request(), exchange.response(), exchange.streamedAnswer()));
        }
    }

    /** Waits until every record submitted so far is written (usage, receipts, prompt log); false on timeout. */
    public boolean flush(Duration timeout) throws InterruptedException {
        return (usage == null || usage.flush(timeout)) && (receipts == null || receipts.flush(timeout))
                && (promptLog == null || promptLog.flush(timeout));
    }

    /** Flushes all, usage first. */
    public void close(Duration timeout) {
        if (usage != null) {
            usage.close(timeout);
        }
        if (receipts != null) {
            receipts.close(timeout);
        }
        if (promptLog != null) {
            promptLog.close(timeout);
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
