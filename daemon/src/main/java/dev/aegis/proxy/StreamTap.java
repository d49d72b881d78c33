package dev.aegis.proxy;

import dev.aegis.promptlog.AnswerPreview;
import dev.aegis.streaming.EventTap;
import dev.aegis.streaming.SseEvent;
import dev.aegis.streaming.cutoff.BudgetCutoff;
import dev.aegis.streaming.failure.FailureEnding;
import dev.aegis.translate.EventTranslator;
import dev.aegis.usage.UsageExtractor;
import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * What the client of one streamed call gets for each provider event: every event is read for usage
 * (in the provider's protocol), translated to the client's protocol when they differ, then forwarded
 * unless it is hidden (a usage chunk Aegis asked for) or past a budget's ending. When
 * the provider cannot finish the stream, {@link #endingAfterFailure} gives the protocol's own error
 * ending, unless the client already has a well-formed ending.
 */
final class StreamTap implements EventTap {

    private final UsageExtractor usage;
    private final EventTranslator translator;
    private final BudgetCutoff cutoff;
    private final FailureEnding failure;
    private final AnswerPreview preview;

    /**
     * @param translator turns the provider's events into the client's protocol; null when they pass as they are
     * @param cutoff null when no budget limits this call's output
     * @param preview collects the start of the answer's text for the prompt log; null when it is off
     */
    StreamTap(UsageExtractor usage, EventTranslator translator, BudgetCutoff cutoff, FailureEnding failure,
            AnswerPreview preview) {
        this.usage = usage;
        this.translator = translator;
        this.cutoff = cutoff;
        this.failure = failure;
        this.preview = preview;
    }

    @Override
    public byte[] relay(SseEvent event) {
        boolean visible = usage.onEvent(event);
        if (translator == null) {
            return visible ? toClient(event) : NOTHING;
        }
        List<SseEvent> translated = translator.translate(event);
        if (translated.size() == 1) {
            return toClient(translated.getFirst());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (SseEvent e : translated) {
            out.writeBytes(toClient(e));
        }
        return out.toByteArray();
    }

    /** One event in the client's protocol, past the budget's ending or not. */
    private byte[] toClient(SseEvent event) {
        failure.observe(event);
        if (preview != null) {
            preview.onEvent(event);
        }
        return cutoff == null ? event.raw() : cutoff.relay(event, true);
    }

    @Override
    public boolean endedForClient() {
        return cutoff != null && cutoff.ended();
    }

    /** The bytes that end a stream the provider did not finish, saying why. */
    byte[] endingAfterFailure(String why) {
        return endedForClient() ? NOTHING : failure.ending(why);
    }
}
