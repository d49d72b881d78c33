package dev.aegis.streaming.failure;

import dev.aegis.streaming.SseEvent;

/**
 * A failure ending that gives nothing once the stream already carried its protocol's error ending
 * from the provider (Anthropic's {@code error} event, a chat {@code {"error": ...}} line, Responses'
 * {@code error} or {@code response.failed}): the client got one error, and a second from Aegis
 * ("ended before its last event") after it only muddled which one to act on (an outside review).
 */
final class UnlessProviderFailed implements FailureEnding {

    private final FailureEnding ending;
    private boolean providerFailed;

    UnlessProviderFailed(FailureEnding ending) {
        this.ending = ending;
    }

    @Override
    public void observe(SseEvent event) {
        ending.observe(event);
        if (!providerFailed) {
            providerFailed = isError(event);
        }
    }

    @Override
    public byte[] ending(String message) {
        return providerFailed ? new byte[0] : ending.ending(message);
    }

    /** An event that is its protocol's error ending; checked on names and the data's start, without parsing. */
    static boolean isError(SseEvent event) {
        String name = event.event();
        if (name != null) {
            return name.equals("error") || name.equals("response.failed");
        }
        String data = event.data();
        return data != null && data.startsWith("{\"error\"");
    }
}
