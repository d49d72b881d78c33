package dev.aegis.receipts;

import dev.aegis.store.UsageRow;

/**
 * What a receipt is made from: the call's usage row and what was exchanged. Hashing happens on the
 * receipt writer's thread, not the call's.
 *
 * @param responseBody a whole answer as sent, or null for streams
 * @param responseSha256 the hash of a streamed answer's bytes as sent, or null for whole answers
 */
public record ReceiptInput(UsageRow row, byte[] requestBody, byte[] responseBody, String responseSha256) {}
