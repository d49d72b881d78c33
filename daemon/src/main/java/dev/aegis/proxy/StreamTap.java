package dev.aegis.proxy;

import dev.aegis.streaming.EventTap;
import dev.aegis.streaming.SseEvent;
import dev.aegis.streaming.cutoff.BudgetCutoff;
import dev.aegis.streaming.failure.FailureEnding;
import dev.aegis.usage.UsageExtractor;

/**
 * What the client of one streamed call gets for each provider event: every event is read for usage,
 * then forwarded unless it is hidden (a usage chunk Aegis asked for) or past a budget's ending. When
 * the provider cannot finish the stream, {@link #endingAfterFailure} gives the protocol's own error
 * ending, unless the client already has a well-formed ending.
 */
final class StreamTap implements EventTap {

    private final UsageExtractor usage;
    private final BudgetCutoff cutoff;
    private final FailureEnding failure;

    /** @param cutoff null when no budget limits this call's output */
    StreamTap(UsageExtractor usage, BudgetCutoff cutoff, FailureEnding failure) {
        this.usage = usage;
        this.cutoff = cutoff;
        this.failure = failure;
    }

    @Override
    public byte[] relay(SseEvent event) {
        failure.observe(event);
        boolean visible = usage.onEvent(event);
        if (cutoff != null) {
            return cutoff.relay(event, visible);
        }
        return visible ? event.raw() : NOTHING;
    }

    /** The bytes that end a stream the provider did not finish, saying why. */
    byte[] endingAfterFailure(String why) {
        return cutoff != null && cutoff.ended() ? NOTHING : failure.ending(why);
    }
}
