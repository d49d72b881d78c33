package dev.aegis.records;

/**
 * What a call exchanged, for its receipt and its prompt-log entry.
 *
 * @param request the request body as the client sent it (before any redaction), or null when none was read
 * @param response a whole answer as sent, or null for streams and refusals
 * @param responseSha256 the hash of a streamed answer's bytes as sent, or null
 * @param streamedAnswer the start of a streamed answer's text (collected only when the prompt log is on), or null
 * @param modelCall true for the model APIs Aegis reads (chat, Responses, Messages, ...): only those go to the prompt log
 */
public record Exchange(byte[] request, byte[] response, String responseSha256, String streamedAnswer, boolean modelCall) {}
