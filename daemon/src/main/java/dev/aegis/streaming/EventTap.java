package dev.aegis.streaming;

/** Sees every event of a streamed answer as it passes; decides whether the client gets it. */
@FunctionalInterface
public interface EventTap {

    EventTap FORWARD_ALL = event -> true;

    /** Looks at an event; false drops it from what the client receives (the provider's bytes are still read). */
    boolean accept(SseEvent event);
}
