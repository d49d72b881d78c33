package dev.aegis.records;

import dev.aegis.receipts.ReceiptInput;
import dev.aegis.store.UsageRow;
import java.time.Duration;

/** Where every finished or refused call goes: its usage row, and its signed receipt when audit is on. */
public final class CallRecorder implements AutoCloseable {

    private final BackgroundWriter<UsageRow> usage;
    private final BackgroundWriter<ReceiptInput> receipts;

    /** @param receipts null when receipts are off */
    public CallRecorder(BackgroundWriter<UsageRow> usage, BackgroundWriter<ReceiptInput> receipts) {
        this.usage = usage;
        this.receipts = receipts;
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
