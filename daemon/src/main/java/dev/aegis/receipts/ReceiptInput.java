package dev.aegis.receipts;

import dev.aegis.store.UsageRow;

/**
 * What a receipt is made from: the call's usage row and what was exchanged. Hashing happens on the
 * receipt writer's thread, not the call's, but for a body of {@link #HASHED_BY_THE_CALL} bytes or more
 * ({@link #of}): a queue of such bodies waiting for the one writer held gigabytes (an outside review's
 * 30 MB bodies, back to back, took the daemon to 2.6 GB resident while {@code server.max_inflight_body}
 * was 256 MB, as a call gives its share of that back when it ends, before its receipt is written).
 *
 * @param requestBody the request as sent, or null when {@code requestSha256} holds its hash
 * @param requestSha256 the hash of a large request, taken by the call, or null
 * @param responseBody a whole answer as sent, or null for streams and large answers
 * @param responseSha256 the hash of a streamed or large answer's bytes as sent, or null for whole answers
 */
public record ReceiptInput(UsageRow row, byte[] requestBody, String requestSha256, byte[] responseBody, String responseSha256) {

    /** Bodies at least this large are hashed by the call that exchanged them. */
    public static final int HASHED_BY_THE_CALL = 1024 * 1024;

    public ReceiptInput(UsageRow row, byte[] requestBody, byte[] responseBody, String responseSha256) {
        this(row, requestBody, null, responseBody, responseSha256);
    }

    /** The input for a call's receipt, its large bodies hashed now (on the calling thread) and not kept. */
    public static ReceiptInput of(UsageRow row, byte[] requestBody, byte[] responseBody, String responseSha256) {
        boolean largeRequest = requestBody != null && requestBody.length >= HASHED_BY_THE_CALL;
        boolean largeResponse = responseSha256 == null && responseBody != null && responseBody.length >= HASHED_BY_THE_CALL;
        return new ReceiptInput(row, largeRequest ? null : requestBody, largeRequest ? Receipts.sha256Hex(requestBody) : null,
                largeResponse ? null : responseBody, largeResponse ? Receipts.sha256Hex(responseBody) : responseSha256);
    }
}
