package dev.aegis.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** An event's data is parsed once, however many readers ask for it. */
class SseEventTest {

    private static SseEvent event(String data) {
        return new SseEvent(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8), null, data);
    }

    @Test
    void theTreeIsParsedOnceAndShared() {
        SseEvent e = event("{\"usage\":{\"prompt_tokens\":3}}");
        assertThat(e.json().at("/usage/prompt_tokens").asInt()).isEqualTo(3);
        assertThat(e.json()).isSameAs(e.json());
    }

    @Test
    void dataThatIsNotJsonOrNoDataHasNoTree() {
        assertThat(event("[DONE]").json()).isNull();
        assertThat(event("{\"a\":").json()).isNull();
        assertThat(new SseEvent(": ping\n\n".getBytes(StandardCharsets.UTF_8), null, null).json()).isNull();
    }
}
