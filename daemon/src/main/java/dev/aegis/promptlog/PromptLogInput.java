package dev.aegis.promptlog;

import dev.aegis.store.UsageRow;

/**
 * What a prompt-log entry is made from, handed over by the call's thread; the text is extracted,
 * redacted and cut on the prompt log's writer thread.
 *
 * @param request the request body as the client sent it
 * @param response a whole answer, or null (streams, refusals)
 * @param streamedAnswer the start of a streamed answer's text, or null
 */
public record PromptLogInput(UsageRow row, byte[] request, byte[] response, String streamedAnswer) {}
