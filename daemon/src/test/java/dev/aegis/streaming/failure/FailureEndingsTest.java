package dev.aegis.streaming.failure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.streaming.SseEvent;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A stream the provider ended with its own error gets no second error from Aegis; one it only cut does. */
class FailureEndingsTest {

    private static SseEvent event(String name, String data) {
        String raw = (name == null ? "" : "event: " + name + "\n") + "data: " + data + "\n\n";
        return new SseEvent(raw.getBytes(StandardCharsets.UTF_8), name, data);
    }

    static Stream<Arguments> protocols() {
        return Stream.of(
                Arguments.of("chat", (Supplier<FailureEnding>) FailureEndings::chat,
                        event(null, "{\"id\":\"c\",\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}"),
                        event(null, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}")),
                Arguments.of("responses", (Supplier<FailureEnding>) FailureEndings::responses,
                        event("response.output_text.delta", "{\"type\":\"response.output_text.delta\",\"delta\":\"hi\"}"),
                        event("response.failed", "{\"type\":\"response.failed\",\"response\":{\"status\":\"failed\"}}")),
                Arguments.of("messages", (Supplier<FailureEnding>) FailureEndings::messages,
                        event("content_block_delta", "{\"type\":\"content_block_delta\",\"delta\":{\"text\":\"hi\"}}"),
                        event("error", "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\"}}")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protocols")
    void noSecondErrorAfterTheProvidersOwn(String protocol, Supplier<FailureEnding> make, SseEvent text, SseEvent error) {
        FailureEnding cut = make.get();
        cut.observe(text);
        assertThat(new String(cut.ending("the stream ended before its last event"), StandardCharsets.UTF_8))
                .as("a stream the provider only cut").contains("the stream ended before its last event");

        FailureEnding failed = make.get();
        failed.observe(text);
        failed.observe(error);
        assertThat(failed.ending("the stream ended before its last event")).as("after the provider's own error").isEmpty();
    }
}
