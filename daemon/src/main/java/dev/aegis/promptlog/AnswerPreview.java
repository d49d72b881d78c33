package dev.aegis.promptlog;

import dev.aegis.streaming.SseEvent;
import java.util.Set;

/**
 * Collects the start of a streamed answer's text as its events pass (only when the prompt log is
 * on), and stops looking once it has enough. Chat and legacy completions: {@code delta.content} and
 * {@code text}; Anthropic Messages: {@code delta.text}; Responses: only the
 * {@code response.output_text.delta} events (the later {@code *.done} and {@code response.completed}
 * events repeat the whole text).
 */
public final class AnswerPreview {

    private static final String RESPONSES_TEXT_DELTA = "response.output_text.delta";
    private static final Set<String> DELTA = Set.of("delta");

    private final PreviewText text;
    private final boolean responses;

    /** @param responses true for the Responses API, whose events repeat the text */
    public AnswerPreview(int previewChars, boolean responses) {
        this.text = new PreviewText(PromptLogWriter.collectLimit(previewChars));
        this.responses = responses;
    }

    public void onEvent(SseEvent event) {
        String data = event.data();
        if (text.full() || data == null) {
            return;
        }
        if (!responses) {
            PromptText.collect(data, PromptText.ANSWER_FIELDS, text, "");
        } else if (RESPONSES_TEXT_DELTA.equals(event.event()) || event.event() == null && data.contains(RESPONSES_TEXT_DELTA)) {
            PromptText.collect(data, DELTA, text, "");
        }
    }

    public String text() {
        return text.text();
    }
}
