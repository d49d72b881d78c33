package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import dev.aegis.fakeprovider.FakeProvider.CannedResponse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider fails after the first byte reached the client (cut, stalled, closed early, not SSE):
 * no retry, the client gets its protocol's own error ending that the official SDKs raise cleanly,
 * and the call is recorded incomplete.
 */
class StreamFailureIT {

    @TempDir
    Path temp;

    TestGateway gateway;

    @BeforeEach
    void start() throws Exception {
        gateway = TestGateway.start(temp, "timeouts: { idle: 400ms }", Map.of());
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
    }

    private OpenAIClient openAi(String requestId) {
        return OpenAIOkHttpClient.builder().baseUrl(gateway.url() + "/v1").apiKey(gateway.clientKey).maxRetries(0)
                .putHeader("X-Request-Id", requestId).build();
    }

    @Test
    void chatStreamCutMidwayEndsWithAnErrorTheOpenAiSdkRaises() throws Exception {
        gateway.fake.cutStreamsAfter(3);
        OpenAIClient client = openAi("req-chat-cut");
        StringBuilder text = new StringBuilder();
        assertThatThrownBy(() -> {
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                    ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage("hi").build())) {
                stream.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
            }
        }).hasMessageContaining("ended before its last event");
        assertThat(text).isNotEmpty();
        assertThat(gateway.fake.requests()).hasSize(1);
        UsageRowView row = gateway.awaitUsage("req-chat-cut");
        assertThat(row.streamed()).isTrue();
        assertThat(row.complete()).isFalse();
        client.close();
    }

    @Test
    void responsesStreamCutMidwayEndsWithResponseFailed() throws Exception {
        gateway.fake.cutStreamsAfter(4);
        OpenAIClient client = openAi("req-responses-cut");
        List<String> kinds = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(
                ResponseCreateParams.builder().model("gpt-4o-mini").input("hi").build())) {
            stream.stream().forEach(e -> {
                if (e.isCreated()) {
                    kinds.add("created:" + e.asCreated().response().id());
                }
                if (e.isFailed()) {
                    kinds.add("failed:" + e.asFailed().response().id() + ":"
                            + e.asFailed().response().error().orElseThrow().message());
                }
                if (e.isCompleted()) {
                    kinds.add("completed");
                }
            });
        }
        assertThat(kinds).hasSize(2);
        String id = kinds.getFirst().substring("created:".length());
        assertThat(kinds.get(1)).startsWith("failed:" + id + ":").contains("ended before its last event");
        assertThat(gateway.awaitUsage("req-responses-cut").complete()).isFalse();
        client.close();
    }

    @Test
    void messagesStreamCutMidwayEndsWithAnErrorEventTheAnthropicSdkRaises() throws Exception {
        gateway.fake.cutStreamsAfter(3);
        AnthropicClient client = AnthropicOkHttpClient.builder().baseUrl(gateway.url()).apiKey(gateway.clientKey)
                .maxRetries(0).putHeader("X-Request-Id", "req-messages-cut").build();
        List<String> kinds = new ArrayList<>();
        assertThatThrownBy(() -> {
            try (com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> stream = client.messages()
                    .createStreaming(MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(1024)
                            .addUserMessage("hi").build())) {
                stream.stream().forEach(e -> kinds.add(e.isMessageStart() ? "message_start" : "other"));
            }
        }).hasMessageContaining("ended before its last event");
        assertThat(kinds).startsWith("message_start");
        assertThat(gateway.fake.requests()).hasSize(1);
        assertThat(gateway.awaitUsage("req-messages-cut").complete()).isFalse();
        client.close();
    }

    @Test
    void aStalledMessagesStreamEndsWithAnErrorEventNamingTheIdleTimeout() throws Exception {
        gateway.fake.eventDelay(Duration.ofSeconds(5));
        HttpResponse<String> r = Http.send(gateway.post("/v1/messages",
                "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":64,\"stream\":true,\"messages\":[]}"));

        assertThat(r.body()).startsWith("event: message_start").endsWith("\n\n");
        String last = lastEvent(r.body());
        assertThat(last).startsWith("event: error\ndata: ");
        assertThat(Http.json(last.substring(last.indexOf('{'))).at("/error/message").asText())
                .contains("sent nothing for 400 ms");
        assertThat(gateway.awaitUsage(requestId(r)).complete()).isFalse();
    }

    @Test
    void aStreamClosedBeforeDoneOrNotSseAtAllGetsTheErrorEnding() throws Exception {
        gateway.fake.enqueue(new CannedResponse(200, "text/event-stream",
                "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                        + "\"delta\":{\"content\":\"Hel\"}}]}\n\n", Map.of()));
        gateway.fake.enqueue(new CannedResponse(200, "text/event-stream", "<html>oops</html>", Map.of()));
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> r = Http.send(gateway.post("/v1/chat/completions",
                    "{\"model\":\"gpt-4o-mini\",\"stream\":true}"));

            String last = lastEvent(r.body());
            assertThat(last).startsWith("data: {\"error\":");
            assertThat(Http.json(last.substring("data: ".length())).at("/error/code").asText())
                    .isEqualTo("upstream_unavailable");
            assertThat(r.body()).doesNotContain("[DONE]");
            assertThat(gateway.awaitUsage(requestId(r)).complete()).isFalse();
        }
    }

    @Test
    void aWholeAnswerThatIsNotJsonIsA502AndIsRecorded() throws Exception {
        gateway.fake.enqueue(new CannedResponse(200, "application/json", "<html>502 Bad Gateway</html>", Map.of()));
        HttpResponse<String> r = Http.send(gateway.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}"));

        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(Http.json(r.body()).at("/error/code").asText()).isEqualTo("upstream_unavailable");
        assertThat(Http.json(r.body()).at("/error/message").asText()).contains("not JSON");
        assertThat(gateway.awaitUsage(requestId(r)).status()).isEqualTo(502);
    }

    private static String lastEvent(String body) {
        String trimmed = body.substring(0, body.length() - 2);
        return body.substring(trimmed.lastIndexOf("\n\n") + 2);
    }

    private static String requestId(HttpResponse<?> r) {
        return r.headers().firstValue("X-Request-Id").orElseThrow();
    }
}
