package dev.aegis.streaming.failure;

import dev.aegis.streaming.SseEvent;

/**
 * The protocol's own error ending for a stream the provider could not finish (cut, stalled past
 * {@code timeouts.idle}, or closed before its last event): clients raise a clean error, or retry,
 * instead of reading a truncated answer as if it were whole. Implementations watch the events that
 * pass cheaply (no JSON parsing) and build the ending only when it is needed.
 */
public interface FailureEnding {

    /** Sees each event the provider sent, before the client does. */
    default void observe(SseEvent event) {}

    /** The ending's server-sent event bytes, saying {@code message}. */
    byte[] ending(String message);

    /** For protocols Aegis does not know how to end: the client just sees the stream close. */
    FailureEnding NONE = message -> new byte[0];
}
