package dev.aegis.streaming;

/**
 * Sees every event of a streamed answer as it passes and decides what the client gets for it: the
 * event's own bytes, nothing, or other bytes (a well-formed ending when a budget runs out). The
 * provider's stream is read to its end whatever the tap returns, so its final usage is still seen
 * (within {@link StreamForwarder.Drain} once the client's answer has ended).
 */
@FunctionalInterface
public interface EventTap {

    byte[] NOTHING = new byte[0];

    EventTap FORWARD_ALL = SseEvent::raw;

    byte[] relay(SseEvent event);

    /** True once the client's answer has ended (a budget's ending sent): the rest is read for usage only. */
    default boolean endedForClient() {
        return false;
    }
}
