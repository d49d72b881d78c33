package dev.aegis.records;

import dev.aegis.receipts.ReceiptInput;
import dev.aegis.store.UsageRow;
import java.time.Duration;

/** Where every finished or refused call goes: its usage row, and its signed receipt when audit is on. */
public final class CallRecorder implements AutoCloseable {

    private final BackgroundWriter<UsageRow> usage;
    private final BackgroundWriter<ReceiptInput> receipts;
    private final int maxBacklog;

    /**
     * @param receipts null when receipts are off
     * @param maxBacklog records that may wait in memory, per writer, before {@link #full()} says so
     */
    public CallRecorder(BackgroundWriter<UsageRow> usage, BackgroundWriter<ReceiptInput> receipts, int maxBacklog) {
        this.usage = usage;
        this.receipts = receipts;
        this.maxBacklog = maxBacklog;
    }

    /** Records submitted and not yet written, usage rows and receipts together. */
    public long backlog() {
        return usage.backlog() + (receipts == null ? 0 : receipts.backlog());
    }

    /** True while usage rows or receipts cannot be written. */
    public boolean failing() {
        return usage.failing() || (receipts != null && receipts.failing());
    }

    /**
     * True when records cannot be written and too many wait in memory: new model calls are then
     * refused, so no call goes unrecorded and memory stays bounded.
     */
    public boolean full() {
        return failing() && (usage.backlog() >= maxBacklog || (receipts != null && receipts.backlog() >= maxBacklog));
    }

    public void record(UsageRow row, byte[] requestBody, byte[] responseBody, String responseSha256) {
        usage.submit(row);
        if (receipts != null) {
            receipts.submit(new ReceiptInput(row, requestBody, responseBody, responseSha256));
        }
    }

    /** Waits until every record submitted so far is written (usage and receipts); false on timeout. */
    public boolean flush(Duration timeout) throws InterruptedException {
        return usage.flush(timeout) && (receipts == null || receipts.flush(timeout));
    }

    /** Flushes both, usage first. */
    public void close(Duration timeout) {
        usage.close(timeout);
        if (receipts != null) {
            receipts.close(timeout);
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
