package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageTokensCount;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;
import dev.aegis.fakeprovider.RecordedRequest;
import dev.aegis.keys.NewKey;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /v1/models} per key, {@code /api/ai/completion}, Azure deployments and Anthropic token counting. */
class ModelsAndProvidersIT {

    @TempDir
    Path temp;

    private static HttpRequest.Builder get(TestGateway g, String path, String key) {
        return HttpRequest.newBuilder(URI.create(g.url() + path)).header("Authorization", "Bearer " + key).GET();
    }

    private static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.path("data").forEach(m -> ids.add(m.path("id").asText()));
        return ids;
    }

    @Test
    void modelsListsAliasesAndServableModelsForThisKeyOnly() throws Exception {
        try (TestGateway g = TestGateway.start(temp, """
                models:
                  aegis-fast:
                    - { provider: openai, model: gpt-4o-mini }
                """, Map.of())) {
            OpenAIClient sdk = OpenAIOkHttpClient.builder().baseUrl(g.url() + "/v1").apiKey(g.clientKey).build();
            List<String> all = new ArrayList<>();
            sdk.models().list().autoPager().forEach((Model m) -> all.add(m.id()));
            sdk.close();

            assertThat(all.getFirst()).isEqualTo("aegis-fast");
            assertThat(all).contains("gpt-4o-mini", "gpt-4.1", "claude-sonnet-4-5")
                    .noneMatch(m -> m.startsWith("gemini")); // priced, but no configured provider serves them
            assertThat(g.fake.requests()).isEmpty();

            String limited = g.mintKey(new NewKey("limited", "default", false, List.of("gpt-4o*"), null, null, null, null));
            List<String> some = ids(Http.json(Http.send(get(g, "/v1/models", limited)).body()));
            assertThat(some).isNotEmpty().allMatch(m -> m.startsWith("gpt-4o"));

            HttpResponse<String> anthropicShape = Http.send(get(g, "/v1/models", g.clientKey)
                    .header("anthropic-version", "2023-06-01"));
            JsonNode list = Http.json(anthropicShape.body());
            assertThat(list.at("/data/0/type").asText()).isEqualTo("model");
            assertThat(list.path("has_more").asBoolean(true)).isFalse();
            assertThat(list.path("first_id").asText()).isEqualTo("aegis-fast");

            assertThat(Http.send(get(g, "/v1/models", "aegis_nope")).statusCode()).isEqualTo(401);
        }
    }

    @Test
    void modelsWithoutAnAnthropicKeyLeaveClaudeOut() throws Exception {
        try (TestGateway g = TestGateway.start(temp, null, Map.of("ANTHROPIC_API_KEY", ""))) {
            List<String> ids = ids(Http.json(Http.send(get(g, "/v1/models", g.clientKey)).body()));
            assertThat(ids).contains("gpt-4o-mini").noneMatch(m -> m.startsWith("claude"));
        }
    }

    @Test
    void aiCompletionIsChatWithMessagesAndLegacyCompletionsWithout() throws Exception {
        try (TestGateway g = TestGateway.start(temp)) {
            HttpResponse<String> chat = Http.send(g.post("/api/ai/completion",
                    "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
            assertThat(chat.statusCode()).isEqualTo(200);
            assertThat(g.fake.requests().getLast().path()).isEqualTo("/v1/chat/completions");
            assertThat(Http.json(chat.body()).path("object").asText()).isEqualTo("chat.completion");

            Http.send(g.post("/api/ai/completion", "{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":\"hi\"}"));
            assertThat(g.fake.requests().getLast().path()).isEqualTo("/v1/completions");
            assertThat(g.awaitUsage(chat.headers().firstValue("X-Request-Id").orElseThrow()).route())
                    .isEqualTo("/api/ai/completion");
        }
    }

    @Test
    void azureDeploymentsGetTheirUrlApiVersionAndKey() throws Exception {
        try (TestGateway g = TestGateway.start(temp, """
                providers:
                  azure: { type: azure, base_url: "{fake}", api_key_env: AZURE_OPENAI_API_KEY, api_version: "2024-10-21" }
                routes:
                  "azure-*": azure
                """, Map.of("AZURE_OPENAI_API_KEY", "azure-secret-key-123"))) {
            OpenAIClient sdk = OpenAIOkHttpClient.builder().baseUrl(g.url() + "/v1").apiKey(g.clientKey)
                    .maxRetries(0).build();
            ChatCompletion c = sdk.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("azure-gpt-4o").addUserMessage("hi").build());
            sdk.close();

            assertThat(c.choices().getFirst().message().content()).contains("Hello from the fake provider.");
            RecordedRequest sent = g.fake.requests().getLast();
            assertThat(sent.path()).isEqualTo("/openai/deployments/azure-gpt-4o/chat/completions");
            assertThat(sent.query()).isEqualTo("api-version=2024-10-21");
            assertThat(sent.header("api-key")).isEqualTo("azure-secret-key-123");
            assertThat(sent.header("authorization")).isNull();
        }
    }

    @Test
    void anthropicCountTokensThroughTheSdkAndTheBetaQueryKept() throws Exception {
        try (TestGateway g = TestGateway.start(temp)) {
            AnthropicClient sdk = AnthropicOkHttpClient.builder().baseUrl(g.url()).apiKey(g.clientKey).maxRetries(0)
                    .build();
            MessageTokensCount count = sdk.messages().countTokens(MessageCountTokensParams.builder()
                    .model("claude-sonnet-4-5").addUserMessage("hi").build());
            sdk.close();
            assertThat(count.inputTokens()).isEqualTo(42);
            RecordedRequest viaSdk = g.fake.requests().getLast();
            assertThat(viaSdk.path()).isEqualTo("/v1/messages/count_tokens");
            assertThat(viaSdk.header("x-api-key")).isEqualTo(TestGateway.ANTHROPIC_PROVIDER_KEY);

            // ANTHROPIC_AUTH_TOKEN clients send the key as a Bearer token instead of x-api-key.
            AnthropicClient bearer = AnthropicOkHttpClient.builder().baseUrl(g.url()).authToken(g.clientKey)
                    .maxRetries(0).build();
            assertThat(bearer.messages().countTokens(MessageCountTokensParams.builder().model("claude-sonnet-4-5")
                    .addUserMessage("hi").build()).inputTokens()).isEqualTo(42);
            bearer.close();
            assertThat(g.fake.requests().getLast().header("authorization")).isNull();
            assertThat(g.fake.requests().getLast().header("x-api-key")).isEqualTo(TestGateway.ANTHROPIC_PROVIDER_KEY);

            // Claude Code's beta calls carry ?beta=true, which must reach the provider.
            Http.send(g.post("/v1/messages/count_tokens?beta=true", "{\"model\":\"claude-sonnet-4-5\",\"messages\":[]}")
                    .header("anthropic-version", "2023-06-01"));
            RecordedRequest beta = g.fake.requests().getLast();
            assertThat(beta.path()).isEqualTo("/v1/messages/count_tokens");
            assertThat(beta.query()).isEqualTo("beta=true");
            assertThat(beta.header("x-api-key")).isEqualTo(TestGateway.ANTHROPIC_PROVIDER_KEY);
            assertThat(beta.header("anthropic-version")).isNotNull();
        }
    }
}
