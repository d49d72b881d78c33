package dev.aegis.streaming.cutoff;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.streaming.EventTap;
import dev.aegis.streaming.SseEvent;
import java.nio.charset.StandardCharsets;

/**
 * Ends a stream with its protocol's own well-formed ending once the output streamed so far reaches
 * a token budget, so agents stop cleanly instead of retrying a cut connection. Output is estimated
 * from the text deltas (one token per four characters, at least one per delta). After the ending the
 * client gets nothing more, while the provider's stream is still read for its final usage.
 */
public abstract class BudgetCutoff {

    private final long budget;
    private long outputEstimate;
    private boolean ended;

    protected BudgetCutoff(long budget) {
        this.budget = budget;
    }

    /** What the client gets for this event, given whether it would otherwise see it. */
    public final byte[] relay(SseEvent event, boolean visible) {
        if (ended) {
            return EventTap.NOTHING;
        }
        outputEstimate += observe(event);
        if (outputEstimate > budget) {
            ended = true;
            return ending().getBytes(StandardCharsets.UTF_8);
        }
        return visible ? event.raw() : EventTap.NOTHING;
    }

    public final boolean ended() {
        return ended;
    }

    /** Remembers what the ending needs (ids, open blocks) and returns the output tokens this event carries. */
    protected abstract long observe(SseEvent event);

    /** The protocol's ending, as server-sent event bytes. */
    protected abstract String ending();

    protected static long tokens(String text) {
        return text == null || text.isEmpty() ? 0 : Math.max(1, (text.length() + 3) / 4);
    }

    protected static String event(String name, JsonNode data) {
        return (name == null ? "" : "event: " + name + "\n") + "data: " + data + "\n\n";
    }
}
