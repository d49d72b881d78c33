package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import dev.aegis.fakeprovider.RecordedRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official OpenAI Java SDK, pointed at a real daemon, completes chat and Responses calls. */
class OpenAiSdkIT {

    @TempDir
    static Path temp;

    static TestGateway gateway;
    static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start(temp);
        client = OpenAIOkHttpClient.builder()
                .baseUrl(gateway.url() + "/v1")
                .apiKey(gateway.clientKey)
                .maxRetries(0)
                .build();
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        gateway.close();
    }

    private static ChatCompletionCreateParams chat() {
        return ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage("Say hello").build();
    }

    @Test
    void chatCompletion() {
        ChatCompletion completion = client.chat().completions().create(chat());

        assertThat(completion.choices().getFirst().message().content()).hasValue("Hello from the fake provider.");
        assertThat(completion.usage()).hasValueSatisfying(u -> assertThat(u.promptTokens()).isEqualTo(21));
        RecordedRequest seen = gateway.fake.requests().getLast();
        assertThat(seen.header("authorization")).isEqualTo("Bearer " + TestGateway.PROVIDER_KEY);
        assertThat(seen.headers().toString()).doesNotContain(gateway.clientKey);
    }

    @Test
    void streamedChatCompletion() {
        StringBuilder text = new StringBuilder();
        List<String> finishReasons = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(chat())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(choice -> {
                choice.delta().content().ifPresent(text::append);
                choice.finishReason().ifPresent(r -> finishReasons.add(r.asString()));
            }));
        }

        assertThat(text).hasToString("Hello from the fake provider.");
        assertThat(finishReasons).containsExactly("stop");
    }

    @Test
    void streamedResponses() {
        ResponseCreateParams params = ResponseCreateParams.builder().model("gpt-4o-mini").input("Say hello").build();
        List<String> kinds = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(params)) {
            stream.stream().forEach(event -> {
                if (event.isCreated()) {
                    kinds.add("created");
                }
                event.outputTextDelta().ifPresent(d -> text.append(d.delta()));
                if (event.isOutputItemDone()) {
                    kinds.add("output_item.done");
                }
                if (event.isCompleted()) {
                    kinds.add("completed");
                    assertThat(event.asCompleted().response().usage())
                            .hasValueSatisfying(u -> assertThat(u.outputTokens()).isEqualTo(5));
                }
            });
        }

        assertThat(kinds).containsExactly("created", "output_item.done", "completed");
        assertThat(text).hasToString("Hello from the fake provider.");
    }
}
