package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import dev.aegis.fakeprovider.FakeProvider.CannedResponse;
import dev.aegis.fakeprovider.RecordedRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenAI chat calls for an Anthropic model, and Anthropic Messages calls for an OpenAI model, go
 * through translation both ways, whole and streamed, with tool calls; the official SDKs on the
 * client side read the answers as their own, and usage is billed from what the provider reported.
 */
class TranslationIT {

    private static final String TEXT = "Hello from the fake provider.";

    @TempDir
    Path temp;

    TestGateway gateway;
    OpenAIClient openAi;
    AnthropicClient anthropic;

    @BeforeEach
    void start() throws Exception {
        gateway = TestGateway.start(temp);
        openAi = OpenAIOkHttpClient.builder().baseUrl(gateway.url() + "/v1").apiKey(gateway.clientKey)
                .maxRetries(0).build();
        anthropic = AnthropicOkHttpClient.builder().baseUrl(gateway.url()).apiKey(gateway.clientKey)
                .maxRetries(0).build();
    }

    @AfterEach
    void stop() throws Exception {
        openAi.close();
        anthropic.close();
        gateway.close();
    }

    private RecordedRequest upstream() {
        return gateway.fake.requests().getLast();
    }

    private JsonNode upstreamBody() throws java.io.IOException {
        return Http.json(upstream().bodyText());
    }

    private static ChatCompletionFunctionTool weatherTool() {
        return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("get_weather")
                .description("Weather in a city").parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", com.openai.core.JsonValue.from("object"))
                        .putAdditionalProperty("properties", com.openai.core.JsonValue.from(
                                Map.of("location", Map.of("type", "string"))))
                        .build()).build()).build();
    }

    @Test
    void openAiChatToAnthropicModelWhole() throws Exception {
        ChatCompletion c = openAi.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("claude-sonnet-4-5").addSystemMessage("Be brief.").addUserMessage("hi").maxCompletionTokens(300)
                .putAdditionalHeader("X-Request-Id", "req-chat-to-claude").build());

        assertThat(c.choices().getFirst().message().content()).contains(TEXT);
        assertThat(c.choices().getFirst().finishReason().asString()).isEqualTo("stop");
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(525);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(15);
        assertThat(c.usage().orElseThrow().promptTokensDetails().orElseThrow().cachedTokens()).contains(400L);
        assertThat(c.usage().orElseThrow().promptTokensDetails().orElseThrow().cacheWriteTokens()).contains(100L);

        assertThat(upstream().path()).isEqualTo("/v1/messages");
        assertThat(upstream().header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(upstream().header("x-api-key")).isEqualTo(TestGateway.ANTHROPIC_PROVIDER_KEY);
        JsonNode sent = upstreamBody();
        assertThat(sent.path("system").asText()).isEqualTo("Be brief.");
        assertThat(sent.path("max_tokens").asInt()).isEqualTo(300);
        assertThat(sent.at("/messages/0/role").asText()).isEqualTo("user");
        assertThat(sent.at("/messages/0/content/0/text").asText()).isEqualTo("hi");

        UsageRowView row = gateway.awaitUsage("req-chat-to-claude");
        assertThat(row.provider()).isEqualTo("anthropic");
        assertThat(row.input()).isEqualTo(525);
        assertThat(row.cachedInput()).isEqualTo(400);
        assertThat(row.cacheWrite()).isEqualTo(100);
        assertThat(row.output()).isEqualTo(15);
    }

    @Test
    void openAiChatStreamToAnthropicModelWithUsageChunk() throws Exception {
        StringBuilder text = new StringBuilder();
        List<String> finish = new ArrayList<>();
        List<Long> promptTokens = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = openAi.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("claude-sonnet-4-5").addUserMessage("hi")
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(chunk -> {
                chunk.choices().forEach(ch -> {
                    ch.delta().content().ifPresent(text::append);
                    ch.finishReason().ifPresent(r -> finish.add(r.asString()));
                });
                chunk.usage().ifPresent(u -> promptTokens.add(u.promptTokens()));
            });
        }
        assertThat(text.toString()).isEqualTo(TEXT);
        assertThat(finish).containsExactly("stop");
        assertThat(promptTokens).containsExactly(525L);
        assertThat(upstreamBody().path("stream").asBoolean()).isTrue();
        assertThat(upstreamBody().path("max_tokens").asInt()).isEqualTo(4096);
    }

    @Test
    void openAiToolCallsToAnthropicModelWholeAndTheToolResultTurn() throws Exception {
        ChatCompletion c = openAi.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("claude-sonnet-4-5").addUserMessage("Weather in Paris?").addTool(weatherTool()).build());

        ChatCompletionMessageFunctionToolCall call = c.choices().getFirst().message().toolCalls().orElseThrow()
                .getFirst().asFunction();
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(Http.json(call.function().arguments()).path("location").asText()).isEqualTo("Paris");
        assertThat(call.id()).isEqualTo("toolu_fake01");
        assertThat(c.choices().getFirst().finishReason().asString()).isEqualTo("tool_calls");
        JsonNode sent = upstreamBody();
        assertThat(sent.at("/tools/0/name").asText()).isEqualTo("get_weather");
        assertThat(sent.at("/tools/0/input_schema/properties/location/type").asText()).isEqualTo("string");
        assertThat(sent.at("/tool_choice/type").asText()).isEqualTo("auto");

        // The agent runs the tool and sends its result back: tool_use and tool_result blocks upstream.
        openAi.chat().completions().create(ChatCompletionCreateParams.builder().model("claude-sonnet-4-5")
                .addUserMessage("Weather in Paris?")
                .addMessage(ChatCompletionAssistantMessageParam.builder()
                        .toolCalls(List.of(ChatCompletionMessageToolCall.ofFunction(call))).build())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("18°C, sunny").build())
                .build());
        JsonNode turn = upstreamBody().path("messages");
        assertThat(turn.at("/1/role").asText()).isEqualTo("assistant");
        assertThat(turn.at("/1/content/0/type").asText()).isEqualTo("tool_use");
        assertThat(turn.at("/1/content/0/input/location").asText()).isEqualTo("Paris");
        assertThat(turn.at("/2/role").asText()).isEqualTo("user");
        assertThat(turn.at("/2/content/0/type").asText()).isEqualTo("tool_result");
        assertThat(turn.at("/2/content/0/tool_use_id").asText()).isEqualTo("toolu_fake01");
        assertThat(turn.at("/2/content/0/content").asText()).isEqualTo("18°C, sunny");
    }

    @Test
    void openAiToolCallStreamToAnthropicModel() throws Exception {
        StringBuilder args = new StringBuilder();
        StringBuilder text = new StringBuilder();
        List<String> names = new ArrayList<>();
        List<String> finish = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = openAi.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("claude-sonnet-4-5").addUserMessage("Weather?")
                        .addTool(weatherTool()).build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(ch -> {
                ch.delta().content().ifPresent(text::append);
                ch.delta().toolCalls().ifPresent(calls -> calls.forEach(tc -> {
                    assertThat(tc.index()).isZero();
                    tc.function().flatMap(f -> f.name()).ifPresent(names::add);
                    tc.function().flatMap(f -> f.arguments()).ifPresent(args::append);
                }));
                ch.finishReason().ifPresent(r -> finish.add(r.asString()));
            }));
        }
        assertThat(text.toString()).isEqualTo("Let me check.");
        assertThat(names).containsExactly("get_weather");
        assertThat(Http.json(args.toString()).path("location").asText()).isEqualTo("Paris");
        assertThat(finish).containsExactly("tool_calls");
    }

    @Test
    void anthropicMessagesToOpenAiModelWhole() throws Exception {
        Message m = anthropic.messages().create(MessageCreateParams.builder().model("gpt-4o-mini").maxTokens(200)
                .system("Be brief.").addUserMessage("hi").putAdditionalHeader("X-Request-Id", "req-messages-to-gpt")
                .build());

        assertThat(m.content().getFirst().asText().text()).isEqualTo(TEXT);
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        assertThat(m.usage().inputTokens()).isEqualTo(16);
        assertThat(m.usage().cacheReadInputTokens()).contains(5L);
        assertThat(m.usage().outputTokens()).isEqualTo(5);

        assertThat(upstream().path()).isEqualTo("/v1/chat/completions");
        assertThat(upstream().header("authorization")).isEqualTo("Bearer " + TestGateway.PROVIDER_KEY);
        JsonNode sent = upstreamBody();
        assertThat(sent.at("/messages/0/role").asText()).isEqualTo("system");
        assertThat(sent.at("/messages/0/content").asText()).isEqualTo("Be brief.");
        assertThat(sent.at("/messages/1/content").asText()).isEqualTo("hi");
        assertThat(sent.path("max_completion_tokens").asInt()).isEqualTo(200);

        UsageRowView row = gateway.awaitUsage("req-messages-to-gpt");
        assertThat(row.provider()).isEqualTo("openai");
        assertThat(row.input()).isEqualTo(21);
        assertThat(row.cachedInput()).isEqualTo(5);
        assertThat(row.output()).isEqualTo(5);
    }

    @Test
    void anthropicMessagesStreamToOpenAiModelWithToolUse() throws Exception {
        List<String> kinds = new ArrayList<>();
        StringBuilder json = new StringBuilder();
        List<String> tools = new ArrayList<>();
        List<Long> outputTokens = new ArrayList<>();
        Tool tool = Tool.builder().name("get_weather").inputSchema(Tool.InputSchema.builder()
                .properties(JsonValue.from(Map.of("location", Map.of("type", "string")))).build()).build();
        try (com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> stream = anthropic.messages()
                .createStreaming(MessageCreateParams.builder().model("gpt-4o-mini").maxTokens(200)
                        .addUserMessage("Weather?").addTool(tool).build())) {
            stream.stream().forEach(e -> {
                kinds.add(e.isMessageStart() ? "message_start" : e.isContentBlockStart() ? "block_start"
                        : e.isContentBlockDelta() ? "delta" : e.isContentBlockStop() ? "block_stop"
                        : e.isMessageDelta() ? "message_delta" : e.isMessageStop() ? "message_stop" : "other");
                e.contentBlockStart().flatMap(s -> s.contentBlock().toolUse()).ifPresent(t -> tools.add(t.name()));
                e.contentBlockDelta().flatMap(d -> d.delta().inputJson()).ifPresent(d -> json.append(d.partialJson()));
                e.messageDelta().ifPresent(d -> outputTokens.add(d.usage().outputTokens()));
            });
        }
        assertThat(kinds).containsExactly("message_start", "block_start", "delta", "delta", "block_stop",
                "message_delta", "message_stop");
        assertThat(tools).containsExactly("get_weather");
        assertThat(Http.json(json.toString()).path("location").asText()).isEqualTo("Paris");
        assertThat(outputTokens).containsExactly(5L);
        JsonNode sent = upstreamBody();
        assertThat(sent.at("/stream_options/include_usage").asBoolean()).isTrue();
        assertThat(sent.at("/tools/0/function/name").asText()).isEqualTo("get_weather");
    }

    @Test
    void anthropicMessagesStreamToOpenAiModelText() throws Exception {
        StringBuilder text = new StringBuilder();
        List<StopReason> stops = new ArrayList<>();
        try (com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> stream = anthropic.messages()
                .createStreaming(MessageCreateParams.builder().model("gpt-4o-mini").maxTokens(200)
                        .addUserMessage("hi").build())) {
            stream.stream().forEach(e -> {
                e.contentBlockDelta().flatMap(d -> d.delta().text()).ifPresent(t -> text.append(t.text()));
                e.messageDelta().flatMap(d -> d.delta().stopReason()).ifPresent(stops::add);
            });
        }
        assertThat(text.toString()).isEqualTo(TEXT);
        assertThat(stops).containsExactly(StopReason.END_TURN);
    }

    @Test
    void anthropicToolUseWholeAnswerToOpenAiModel() throws Exception {
        Tool tool = Tool.builder().name("get_weather").inputSchema(Tool.InputSchema.builder().build()).build();
        Message m = anthropic.messages().create(MessageCreateParams.builder().model("gpt-4o-mini").maxTokens(200)
                .addUserMessage("Weather?").addTool(tool).build());
        ContentBlock block = m.content().getFirst();
        assertThat(block.isToolUse()).isTrue();
        assertThat(block.asToolUse().name()).isEqualTo("get_weather");
        assertThat(block.asToolUse()._input().toString()).contains("Paris");
        assertThat(m.stopReason()).contains(StopReason.TOOL_USE);
    }

    @Test
    void providerErrorsComeBackInTheClientsShape() throws Exception {
        gateway.fake.enqueue(new CannedResponse(400, "application/json",
                "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"messages: bad turn\"}}",
                Map.of()));
        HttpResponse<String> r = Http.send(gateway.post("/v1/chat/completions",
                "{\"model\":\"claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r.body()).at("/error/message").asText()).isEqualTo("messages: bad turn");
        assertThat(Http.json(r.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");

        gateway.fake.enqueue(new CannedResponse(403, "application/json",
                "{\"error\":{\"message\":\"Project does not have access\",\"type\":\"invalid_request_error\","
                        + "\"code\":\"model_not_found\"}}", Map.of()));
        HttpResponse<String> m = Http.send(gateway.post("/v1/messages",
                "{\"model\":\"gpt-4o-mini\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        assertThat(m.statusCode()).isEqualTo(403);
        assertThat(Http.json(m.body()).path("type").asText()).isEqualTo("error");
        assertThat(Http.json(m.body()).at("/error/type").asText()).isEqualTo("permission_error");
        assertThat(Http.json(m.body()).at("/error/message").asText()).isEqualTo("Project does not have access");
    }

    @Test
    void openAiResponsesToAnthropicModelWholeWithAFunctionCall() throws Exception {
        Response r = openAi.responses().create(ResponseCreateParams.builder().model("claude-sonnet-4-5")
                .instructions("Be brief.").input("Weather in Paris?").maxOutputTokens(300L)
                .addTool(FunctionTool.builder().name("get_weather").parameters(FunctionTool.Parameters.builder()
                        .putAdditionalProperty("type", com.openai.core.JsonValue.from("object")).build())
                        .strict(false).build())
                .build());

        assertThat(r.status()).contains(ResponseStatus.COMPLETED);
        assertThat(r.output()).hasSize(2);
        assertThat(r.output().get(0).asMessage().content().getFirst().asOutputText().text()).isEqualTo("Let me check.");
        ResponseFunctionToolCall call = r.output().get(1).asFunctionCall();
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.callId()).isEqualTo("toolu_fake01");
        assertThat(Http.json(call.arguments()).path("location").asText()).isEqualTo("Paris");
        assertThat(r.usage().orElseThrow().inputTokens()).isEqualTo(525);
        assertThat(r.usage().orElseThrow().inputTokensDetails().cachedTokens()).isEqualTo(400);
        // The SDK requires the cache writes (it throws reading an answer without them): 100 written.
        assertThat(r.usage().orElseThrow().inputTokensDetails().cacheWriteTokens()).isEqualTo(100);

        JsonNode sent = upstreamBody();
        assertThat(upstream().path()).isEqualTo("/v1/messages");
        assertThat(sent.path("system").asText()).isEqualTo("Be brief.");
        assertThat(sent.path("max_tokens").asInt()).isEqualTo(300);
        assertThat(sent.at("/messages/0/content/0/text").asText()).isEqualTo("Weather in Paris?");
        assertThat(sent.at("/tools/0/name").asText()).isEqualTo("get_weather");
    }

    @Test
    void openAiResponsesStreamToAnthropicModelHasTheEventsCodexNeeds() throws Exception {
        List<String> kinds = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        List<Long> sequence = new ArrayList<>();
        List<Long> inputTokens = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = openAi.responses().createStreaming(
                ResponseCreateParams.builder().model("claude-sonnet-4-5").input("hi").build())) {
            stream.stream().forEach(e -> {
                e.outputTextDelta().ifPresent(d -> text.append(d.delta()));
                if (e.isCreated()) {
                    kinds.add("created");
                    sequence.add(e.asCreated().sequenceNumber());
                } else if (e.isOutputItemAdded()) {
                    kinds.add("item.added");
                } else if (e.isOutputItemDone()) {
                    kinds.add("item.done:" + e.asOutputItemDone().item().asMessage().content().getFirst()
                            .asOutputText().text());
                } else if (e.isCompleted()) {
                    kinds.add("completed");
                    sequence.add(e.asCompleted().sequenceNumber());
                    inputTokens.add(e.asCompleted().response().usage().orElseThrow().inputTokens());
                }
            });
        }
        assertThat(kinds).containsExactly("created", "item.added", "item.done:" + TEXT, "completed");
        assertThat(text.toString()).isEqualTo(TEXT);
        assertThat(inputTokens).containsExactly(525L);
        assertThat(sequence.get(1)).isGreaterThan(sequence.get(0));
    }

    @Test
    void whatAClaudeModelCannotBeAskedIsRefusedNotDropped() throws Exception {
        HttpResponse<String> previous = Http.send(gateway.post("/v1/responses",
                "{\"model\":\"claude-sonnet-4-5\",\"previous_response_id\":\"resp_x\",\"input\":\"and then?\"}"));
        assertThat(previous.statusCode()).isEqualTo(400);
        assertThat(Http.json(previous.body()).at("/error/code").asText()).isEqualTo("invalid_request");
        assertThat(Http.json(previous.body()).at("/error/message").asText())
                .contains("previous_response_id", "stored at OpenAI", "cannot be sent to Anthropic");

        HttpResponse<String> choices = Http.send(gateway.post("/v1/chat/completions",
                "{\"model\":\"claude-sonnet-4-5\",\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        assertThat(choices.statusCode()).isEqualTo(400);
        assertThat(Http.json(choices.body()).at("/error/message").asText()).contains("claude-sonnet-4-5", "n above 1");

        HttpResponse<String> document = Http.send(gateway.post("/v1/messages", "{\"model\":\"gpt-4o-mini\",\"max_tokens\":10,"
                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"document\",\"source\":{\"type\":\"text\","
                + "\"media_type\":\"text/plain\",\"data\":\"notes\"}}]}]}"));
        assertThat(document.statusCode()).isEqualTo(400);
        assertThat(Http.json(document.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(Http.json(document.body()).at("/error/message").asText()).contains("document");
        assertThat(gateway.fake.requests()).as("nothing half-translated reached a provider").isEmpty();
    }

    @Test
    void legacyCompletionsForAnAnthropicModelAreRefusedClearly() throws Exception {
        HttpResponse<String> r = Http.send(gateway.post("/v1/completions",
                "{\"model\":\"claude-sonnet-4-5\",\"prompt\":\"hi\"}"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r.body()).at("/error/code").asText()).isEqualTo("invalid_request");
        assertThat(Http.json(r.body()).at("/error/message").asText()).contains("anthropic", "/v1/chat/completions");
        assertThat(gateway.fake.requests()).isEmpty();
    }
}
