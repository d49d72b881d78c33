package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import dev.aegis.fakeprovider.FakeProvider;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token budgets with hardStop: refusal, output capped, and streams ended with the protocol's own ending. */
class BudgetIT {

    @TempDir
    Path temp;

    TestGateway gateway;

    @BeforeEach
    void start() throws Exception {
        gateway = TestGateway.start(temp, null, Map.of("AEGIS_GOVERNANCE_ENABLED", "true",
                "AEGIS_DEFAULT_POLICY_JSON", "{\"hardStop\": true, \"tokens\": {\"perRun\": 150, \"perDay\": 100000}}"));
        // 150 words: far more than the budget lets through.
        gateway.fake.repeatText(30);
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
    }

    private OpenAIClient client(String run) {
        return OpenAIOkHttpClient.builder().baseUrl(gateway.url() + "/v1").apiKey(gateway.clientKey)
                .putHeader("x-run-id", run).maxRetries(0).build();
    }

    /** The output limit a chat call was forwarded with. */
    private int forwardedMaxTokens() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"max_tokens\":(\\d+)")
                .matcher(gateway.fake.requests().getLast().bodyText());
        assertThat(m.find()).as("max_tokens forwarded").isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    void aCallForSeveralAnswersSharesTheBudgetAmongThem() throws Exception {
        // n = 1 and n = 4 in bodies of the same size: the same prompt estimate, the same budget left.
        String body = "{\"model\":\"gpt-4o-mini\",\"n\":%d,\"max_tokens\":100000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        assertThat(Http.send(gateway.post("/v1/chat/completions", body.formatted(1)).header("x-run-id", "run-n1"))
                .statusCode()).isEqualTo(200);
        int one = forwardedMaxTokens();
        assertThat(Http.send(gateway.post("/v1/chat/completions", body.formatted(4)).header("x-run-id", "run-n4"))
                .statusCode()).isEqualTo(200);
        int four = forwardedMaxTokens();

        assertThat(one).isPositive().isLessThan(150);
        // The limit holds for each answer: four of them may produce 4 x max_tokens, which must fit.
        assertThat(4 * four).isLessThanOrEqualTo(one).isGreaterThan(one - 4);

        // A legacy completion answers each prompt of an array on its own: four prompts, four answers.
        String prompts = "{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":%s,\"max_tokens\":100000}";
        assertThat(Http.send(gateway.post("/v1/completions", prompts.formatted("[\"a\",\"b\",\"c\",\"d\"]"))
                .header("x-run-id", "run-p4")).statusCode()).isEqualTo(200);
        int perPrompt = forwardedMaxTokens();
        assertThat(Http.send(gateway.post("/v1/completions", prompts.formatted("\"a b c d e f g h\""))
                .header("x-run-id", "run-p1")).statusCode()).isEqualTo(200);
        int single = forwardedMaxTokens();
        assertThat(4 * perPrompt).isLessThanOrEqualTo(single).isGreaterThan(single - 4);

        // More answers than tokens left: refused, not one token each beyond the budget.
        HttpResponse<String> tooMany = Http.send(gateway.post("/v1/chat/completions", body.formatted(900))
                .header("x-run-id", "run-n900"));
        assertThat(tooMany.statusCode()).isEqualTo(429);
        assertThat(tooMany.body()).contains("budget_exceeded").contains("each of the 900 answers");
    }

    @Test
    void chatStreamEndsWithFinishReasonLengthAndTheSdkEndsCleanly() {
        OpenAIClient client = client("run-chat");
        ChatStream read = ChatStream.read(client);
        assertThat(read.finishReasons()).containsExactly("length");
        assertThat(read.text().length()).isPositive().isLessThan(30 * "Hello from the fake provider.".length());
        assertThat(gateway.fake.requests().getLast().bodyText()).containsPattern("\"max_completion_tokens\":\\d+");
        client.close();
    }

    @Test
    void responsesStreamEndsWithResponseIncomplete() {
        OpenAIClient client = client("run-responses");
        List<String> kinds = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(
                ResponseCreateParams.builder().model("gpt-4o-mini").input("hi").build())) {
            stream.stream().forEach(e -> {
                if (e.isOutputItemDone()) {
                    kinds.add("output_item.done");
                }
                if (e.isIncomplete()) {
                    kinds.add("incomplete:" + e.asIncomplete().response().incompleteDetails().orElseThrow().reason()
                            .orElseThrow().asString());
                }
                if (e.isCompleted()) {
                    kinds.add("completed");
                }
            });
        }
        assertThat(kinds).containsExactly("output_item.done", "incomplete:max_output_tokens");
        assertThat(gateway.fake.requests().getLast().bodyText()).containsPattern("\"max_output_tokens\":\\d+");
        client.close();
    }

    @Test
    void messagesStreamEndsWithMaxTokensAndMessageStop() throws Exception {
        HttpResponse<String> r = Http.send(gateway.post("/v1/messages",
                "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":4096,\"stream\":true,\"messages\":[]}")
                .header("x-run-id", "run-messages"));

        String body = r.body();
        assertThat(body).contains("event: content_block_stop").contains("\"stop_reason\":\"max_tokens\"")
                .endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        assertThat(body.indexOf("event: content_block_stop")).isLessThan(body.indexOf("event: message_delta"));
        assertThat(body.split("event: message_stop", -1)).hasSize(2);
        assertThat(gateway.fake.requests().getLast().bodyText()).doesNotContain("\"max_tokens\":4096");
    }

    @Test
    void messagesStreamEndsCleanlyForTheOfficialAnthropicSdk() {
        AnthropicClient client = AnthropicOkHttpClient.builder().baseUrl(gateway.url()).apiKey(gateway.clientKey)
                .putHeader("x-run-id", "run-anthropic-sdk").maxRetries(0).build();
        List<String> kinds = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        try (com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(MessageCreateParams.builder()
                .model("claude-sonnet-4-5").maxTokens(4096).addUserMessage("hi").build())) {
            stream.stream().forEach(e -> {
                e.contentBlockDelta().flatMap(d -> d.delta().text()).ifPresent(t -> text.append(t.text()));
                if (e.isContentBlockStop()) {
                    kinds.add("content_block_stop");
                }
                if (e.isMessageDelta()) {
                    kinds.add("stop_reason:" + e.asMessageDelta().delta().stopReason().orElseThrow().asString());
                }
                if (e.isMessageStop()) {
                    kinds.add("message_stop");
                }
            });
        }
        assertThat(kinds).containsExactly("content_block_stop", "stop_reason:max_tokens", "message_stop");
        assertThat(text.length()).isPositive();
        client.close();
    }

    @Test
    void aPromptLargerThanAWholeMinutesBudgetIsRefusedAsOneThatWillNotPass() throws Exception {
        try (TestGateway minute = TestGateway.start(temp.resolve("minute"), null, Map.of("AEGIS_GOVERNANCE_ENABLED", "true",
                "AEGIS_DEFAULT_POLICY_JSON", "{\"hardStop\": true, \"tokens\": {\"perMinute\": 200}}"))) {
            // 2,000 bytes: a prompt of about 500 tokens, more than the minute's whole 200.
            String big = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\""
                    + "x".repeat(2_000) + "\"}]}";
            HttpResponse<String> never = Http.send(minute.post("/v1/chat/completions", big));
            assertThat(never.statusCode()).isEqualTo(429);
            assertThat(Http.json(never.body()).at("/error/code").asText()).isEqualTo("budget_exceeded");
            // A retry would be refused the same way every minute: the type on which clients stop, not retry.
            assertThat(Http.json(never.body()).at("/error/type").asText()).isEqualTo("insufficient_quota");

            HttpResponse<String> small = Http.send(minute.post("/v1/chat/completions",
                    "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
            assertThat(small.statusCode()).as(small.body()).isEqualTo(200);
        }
    }

    @Test
    void aSpentRunIsRefusedWith429AndOtherRunsGoOn() throws Exception {
        String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[]}";
        // Each call bills 26 tokens (21 in, 5 out) and its prompt counts 9 (37 bytes / 4) up front:
        // six fit in the run's 150, the seventh finds less left than its prompt.
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> ok = Http.send(gateway.post("/v1/chat/completions", body).header("x-run-id", "run-x"));
            assertThat(ok.statusCode()).as("call " + (i + 1)).isEqualTo(200);
            gateway.awaitUsage(ok.headers().firstValue("X-Request-Id").orElseThrow());
        }
        HttpResponse<String> spent = Http.send(gateway.post("/v1/chat/completions", body).header("x-run-id", "run-x"));
        assertThat(spent.statusCode()).isEqualTo(429);
        assertThat(Http.json(spent.body()).at("/error/code").asText()).isEqualTo("budget_exceeded");
        // A spent run does not pass by itself: OpenAI's out-of-money type, on which clients stop rather than retry.
        assertThat(Http.json(spent.body()).at("/error/type").asText()).isEqualTo("insufficient_quota");
        assertThat(spent.headers().firstValue("Retry-After")).isPresent();
        assertThat(Http.send(gateway.post("/v1/chat/completions", body).header("x-run-id", "run-y")).statusCode())
                .isEqualTo(200);
    }

    /**
     * Calls answered without usage (a server that ignores include_usage) count what they held: an outside review
     * ran five such calls of ≈ 555 tokens each against a 1,000-token run, all answered, as each counted the 0 tokens
     * its row records.
     */
    @Test
    void callsAnsweredWithoutUsageCountWhatTheyHeld() throws Exception {
        String body = "{\"model\":\"gpt-4o-mini\",\"max_tokens\":20,\"stream\":true,\"messages\":[]}";
        int answered = 0;
        for (int i = 0; i < 10; i++) {
            gateway.fake.enqueue(new FakeProvider.CannedResponse(200, "text/event-stream", "data: {\"id\":\"c\",\"object\":"
                    + "\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":"
                    + "{\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n", Map.of()));
            HttpResponse<String> r = Http.send(gateway.post("/v1/chat/completions", body).header("x-run-id", "run-n"));
            if (r.statusCode() == 429) {
                assertThat(Http.json(r.body()).at("/error/code").asText()).isEqualTo("budget_exceeded");
                break;
            }
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(gateway.awaitUsage(r.headers().firstValue("X-Request-Id").orElseThrow()).unpriced()).isTrue();
            answered++;
        }
        // Each holds its prompt (about 17 tokens for its 67 bytes) and its 20 of output: four fit in the run's 150.
        assertThat(answered).isEqualTo(4);
    }

    @Test
    void aSpentRunRefusesEveryBilledCallNotOnlyThoseWithAnOutputLimit() throws Exception {
        String embed = "{\"model\":\"text-embedding-3-small\",\"input\":\"hello\"}";
        String compact = "{\"model\":\"gpt-5\",\"input\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
        // A compaction bills 1,500 tokens (1,200 read, 300 written): more than the run's 150.
        HttpResponse<String> compacted = Http.send(gateway.post("/v1/responses/compact", compact).header("x-run-id", "run-c"));
        assertThat(compacted.statusCode()).isEqualTo(200);
        assertThat(Http.json(compacted.body()).path("object").asText()).isEqualTo("response.compaction");
        UsageRowView row = gateway.awaitUsage(compacted.headers().firstValue("X-Request-Id").orElseThrow());
        assertThat(row.route()).isEqualTo("/v1/responses/compact");
        assertThat(row.input()).isEqualTo(1200);
        assertThat(row.output()).isEqualTo(300);
        assertThat(row.costNanos()).isEqualTo(1200 * 1250 + 300 * 10_000); // gpt-5: 1.25 in, 10 out per M

        for (String[] call : new String[][] {{"/v1/embeddings", embed}, {"/v1/responses/compact", compact},
                {"/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":[]}"}}) {
            HttpResponse<String> spent = Http.send(gateway.post(call[0], call[1]).header("x-run-id", "run-c"));
            assertThat(spent.statusCode()).as(call[0]).isEqualTo(429);
            assertThat(Http.json(spent.body()).at("/error/code").asText()).isEqualTo("budget_exceeded");
        }
        assertThat(Http.send(gateway.post("/v1/embeddings", embed).header("x-run-id", "run-d")).statusCode()).isEqualTo(200);
    }

    /** Opens a stream the fake provider holds after its first event: admitted and running, or refused. */
    private static HttpResponse<java.io.InputStream> openHeld(TestGateway g, String body, String run) throws Exception {
        HttpResponse<java.io.InputStream> r = Http.open(g.post("/v1/chat/completions", body).header("x-run-id", run));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Http.readEvent(r.body())).startsWith("data: "); // answering, and held there
        return r;
    }

    /** The output limit of each call the fake provider got, in order. */
    private static List<Integer> forwardedLimits(TestGateway g, String field) {
        return g.fake.requests().stream().map(req -> {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + field + "\":(\\d+)").matcher(req.bodyText());
            assertThat(m.find()).as(field + " forwarded").isTrue();
            return Integer.parseInt(m.group(1));
        }).toList();
    }

    @Test
    void callsInFlightHoldWhatTheyMayProduceAndACallThatDoesNotFitBesideThemWaits() throws Exception {
        gateway.fake.holdStreamsAfterFirstEvent();
        // 67 bytes: a prompt of 16 tokens, and at most 30 out: each call holds 46 of the run's 150.
        String body = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"max_tokens\":30,\"messages\":[]}";
        assertThat(body).hasSize(67);
        List<HttpResponse<java.io.InputStream>> running = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            running.add(openHeld(gateway, body, "run-parallel"));
        }
        // The fourth finds 12 left beside the 138 held, less than its prompt: it waits for them instead
        // of being refused for a budget that is not spent. Without holds all four would each have been
        // let produce 30, together past the budget.
        java.util.concurrent.CompletableFuture<HttpResponse<String>> fourth = Http.CLIENT.sendAsync(
                gateway.post("/v1/chat/completions", body).header("x-run-id", "run-parallel").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(fourth).as("the fourth call waits while the others hold the budget")
                .failsWithin(java.time.Duration.ofMillis(500));
        assertThat(gateway.fake.requests()).hasSize(3);

        gateway.fake.releaseStreams();
        for (HttpResponse<java.io.InputStream> r : running) {
            r.body().readAllBytes();
        }
        // They are charged what they used (26 tokens each: 78) and give back the rest: 72 left, the
        // fourth holds 46 of it and gets its whole 30.
        HttpResponse<String> answered = fourth.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(answered.statusCode()).isEqualTo(200);
        assertThat(forwardedLimits(gateway, "max_tokens")).containsExactly(30, 30, 30, 30);
        // With nothing in flight, a call takes what is left: 46 (30 out), then 20 (4 out), then nothing.
        assertThat(Http.send(gateway.post("/v1/chat/completions", body).header("x-run-id", "run-parallel")).statusCode())
                .isEqualTo(200);
        assertThat(Http.send(gateway.post("/v1/chat/completions", body).header("x-run-id", "run-parallel")).statusCode())
                .isEqualTo(200);
        assertThat(forwardedLimits(gateway, "max_tokens")).containsExactly(30, 30, 30, 30, 30, 4);
        HttpResponse<String> refused = Http.send(gateway.post("/v1/chat/completions", body).header("x-run-id", "run-parallel"));
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body()).contains("run token budget of run run-parallel").doesNotContain("held");
    }

    @Test
    void aCallWithoutAnOutputLimitHoldsItsModelsMaximumNotTheWholeBudget(@TempDir Path own) throws Exception {
        try (TestGateway g = TestGateway.start(own, null, Map.of("AEGIS_GOVERNANCE_ENABLED", "true",
                "AEGIS_DEFAULT_POLICY_JSON", "{\"hardStop\": true, \"tokens\": {\"perRun\": 40000}}"))) {
            g.fake.holdStreamsAfterFirstEvent();
            // gpt-4o-mini writes at most 16,384 tokens: two such calls fit in 40,000 at once.
            String body = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[]}";
            List<HttpResponse<java.io.InputStream>> running = List.of(openHeld(g, body, "r"), openHeld(g, body, "r"));
            assertThat(forwardedLimits(g, "max_completion_tokens")).containsExactly(16_384, 16_384);
            g.fake.releaseStreams();
            for (HttpResponse<java.io.InputStream> r : running) {
                r.body().readAllBytes();
            }
        }
    }

    @Test
    void aResponsesCallOnStoredContextCountsItsEstimate() throws Exception {
        // The provider bills the stored conversation as input: estimated as credits estimate it
        // (governance.credits.stored_context_tokens, 128,000), far more than the run's 150.
        String follow = "{\"model\":\"gpt-4o-mini\",\"previous_response_id\":\"resp_1\",\"input\":\"next\",\"max_output_tokens\":16}";
        HttpResponse<String> refused = Http.send(gateway.post("/v1/responses", follow).header("x-run-id", "run-stored"));
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body()).contains("this prompt alone is larger than what remains");
        String fresh = "{\"model\":\"gpt-4o-mini\",\"input\":\"next\",\"max_output_tokens\":16}";
        assertThat(Http.send(gateway.post("/v1/responses", fresh).header("x-run-id", "run-stored")).statusCode()).isEqualTo(200);
    }

    @Test
    void withoutHardStopCallsGoOnWithAWarning(@TempDir Path own) throws Exception {
        try (TestGateway soft = TestGateway.start(own, null, Map.of("AEGIS_GOVERNANCE_ENABLED", "true",
                "AEGIS_DEFAULT_POLICY_JSON", "{\"hardStop\": false, \"tokens\": {\"perRun\": 30}}"))) {
            String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[]}";
            HttpResponse<String> first = Http.send(soft.post("/v1/chat/completions", body).header("x-run-id", "r"));
            soft.awaitUsage(first.headers().firstValue("X-Request-Id").orElseThrow());
            assertThat(first.headers().firstValue("X-Aegis-Budget-Warning")).isEmpty();

            HttpResponse<String> second = Http.send(soft.post("/v1/chat/completions", body).header("x-run-id", "r"));
            assertThat(second.statusCode()).isEqualTo(200);
            assertThat(second.headers().firstValue("X-Aegis-Budget-Warning")).hasValueSatisfying(
                    v -> assertThat(v).contains("run token budget"));
            assertThat(soft.fake.requests().getLast().bodyText()).isEqualTo(body);
        }
    }
}
