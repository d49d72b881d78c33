package dev.aegis.usage;

import dev.aegis.streaming.SseEvent;

/** Reads a provider's usage from its answer as it passes, one implementation per protocol. */
public interface UsageExtractor {

    /** Looks at one streamed event; false when the client must not see it (a usage chunk Aegis asked for). */
    boolean onEvent(SseEvent event);

    /** Reads a whole (non-streamed) answer. */
    void onBody(byte[] body);

    /** The usage seen so far. */
    TokenUsage usage();

    /**
     * The service tier the answer says served the call ({@code default}, {@code priority}, {@code flex};
     * Anthropic's {@code standard}, {@code priority}), or null when it named none: the call is priced at it.
     */
    String serviceTier();

    /** True once the protocol's own end of answer was seen (a final usage event, or a whole JSON body). */
    boolean sawEnd();
}
