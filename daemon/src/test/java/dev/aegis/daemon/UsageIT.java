package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.keys.NewKey;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden usage and cost per protocol × stream mode × cancel, with the fake provider's exact usage.
 * gpt-4o-mini: $0.15 / $0.075 cached / $0.60 per M. claude-sonnet-4-5: $3 / $0.30 read / $3.75 write / $15 per M.
 */
class UsageIT {

    /** (21 - 5) × 0.15 + 5 × 0.075 + 5 × 0.60 = 5.775 per M tokens = 5775 nano-USD. */
    private static final long CHAT_NANOS = 5775;
    /** input 25 + 400 read + 100 write: 25 × 3 + 400 × 0.3 + 100 × 3.75 + 15 × 15 = 795 per M = 795000 nano-USD. */
    private static final long CLAUDE_NANOS = 795_000;

    @TempDir
    static Path temp;

    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start(temp);
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    @AfterEach
    void reset() {
        gateway.fake.releaseStreams();
        gateway.fake.cutStreamsAfter(-1);
    }

    private static String requestId(HttpResponse<?> r) {
        return r.headers().firstValue("X-Request-Id").orElseThrow();
    }

    private static void assertOpenAi(UsageRowView u) {
        assertThat(u.input()).isEqualTo(21);
        assertThat(u.cachedInput()).isEqualTo(5);
        assertThat(u.output()).isEqualTo(5);
        assertThat(u.reasoning()).isEqualTo(2);
        assertThat(u.costNanos()).isEqualTo(CHAT_NANOS);
        assertThat(u.unpriced()).isFalse();
        assertThat(u.provider()).isEqualTo("openai");
        assertThat(u.priceVersion()).startsWith("2026-07-24");
    }

    @Test
    void chatNonStreamCarriesItsCost() throws Exception {
        HttpResponse<String> r = Http.send(gateway.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":[]}")
                .setHeader("Authorization", "Bearer " + gateway.mintKey(new NewKey("team", "team-a", false, List.of(), null,
                        null, null, null)))
                .header("x-tenant-id", "team-a").header("x-run-id", "run-1"));

        assertThat(r.headers().firstValue("X-Cost-USD")).hasValue("0.000005775");
        UsageRowView u = gateway.awaitUsage(requestId(r));
        assertOpenAi(u);
        assertThat(u.tenant()).isEqualTo("team-a");
        assertThat(u.runId()).isEqualTo("run-1");
        assertThat(u.streamed()).isFalse();
        assertThat(u.complete()).isTrue();
        assertThat(u.status()).isEqualTo(200);
    }

    @Test
    void chatStreamGetsUsageAegisAskedForAndHidesThatChunk() throws Exception {
        HttpResponse<String> r = Http.send(gateway.post("/v1/chat/completions",
                "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[]}"));

        assertThat(gateway.fake.requests().getLast().bodyText()).contains("\"stream_options\":{\"include_usage\":true}");
        assertThat(r.body()).doesNotContain("\"prompt_tokens\"").endsWith("data: [DONE]\n\n");
        UsageRowView u = gateway.awaitUsage(requestId(r));
        assertOpenAi(u);
        assertThat(u.streamed()).isTrue();
        assertThat(u.complete()).isTrue();
    }

    @Test
    void aStreamedLegacyCompletionIsAskedForItsUsageAndBilled() throws Exception {
        HttpResponse<String> r = Http.send(gateway.post("/v1/completions",
                "{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":\"hi\",\"stream\":true}"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(gateway.fake.requests().getLast().bodyText()).startsWith("{\"stream_options\":{\"include_usage\":true},");
        assertThat(r.body()).contains("text_completion").doesNotContain("\"prompt_tokens\"").endsWith("data: [DONE]\n\n");
        UsageRowView u = gateway.awaitUsage(requestId(r));
        assertThat(u.input()).isEqualTo(5);
        assertThat(u.output()).isPositive();
        assertThat(u.costNanos()).isPositive();
        assertThat(u.complete()).isTrue();
    }

    @Test
    void chatStreamShowsTheUsageChunkWhenTheClientAskedForIt() throws Exception {
        String body = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[]}";
        HttpResponse<String> r = Http.send(gateway.post("/v1/chat/completions", body));

        assertThat(gateway.fake.requests().getLast().bodyText()).isEqualTo(body);
        assertThat(r.body()).contains("\"prompt_tokens\":21");
        assertOpenAi(gateway.awaitUsage(requestId(r)));
    }

    @Test
    void chatStreamMergesIntoTheClientsStreamOptions() throws Exception {
        HttpResponse<String> r = Http.send(gateway.post("/v1/chat/completions",
                "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"stream_options\":{\"include_usage\":false,\"x\":1}}"));

        assertThat(gateway.fake.requests().getLast().bodyText())
                .isEqualTo("{\"model\":\"gpt-4o-mini\",\"stream\":true,\"stream_options\":{\"include_usage\":true,\"x\":1}}");
        assertThat(r.body()).doesNotContain("\"prompt_tokens\"");
        assertOpenAi(gateway.awaitUsage(requestId(r)));
    }

    @Test
    void responsesNonStreamAndStream() throws Exception {
        HttpResponse<String> whole = Http.send(gateway.post("/v1/responses", "{\"model\":\"gpt-4o-mini\",\"input\":\"hi\"}"));
        HttpResponse<String> streamed = Http.send(gateway.post("/v1/responses",
                "{\"model\":\"gpt-4o-mini\",\"input\":\"hi\",\"stream\":true}"));

        assertThat(whole.headers().firstValue("X-Cost-USD")).hasValue("0.000005775");
        assertOpenAi(gateway.awaitUsage(requestId(whole)));
        UsageRowView s = gateway.awaitUsage(requestId(streamed));
        assertOpenAi(s);
        assertThat(s.streamed()).isTrue();
        assertThat(s.complete()).isTrue();
    }

    private static void assertClaude(UsageRowView u) {
        assertThat(u.input()).isEqualTo(525);
        assertThat(u.cachedInput()).isEqualTo(400);
        assertThat(u.cacheWrite()).isEqualTo(100);
        assertThat(u.output()).isEqualTo(15);
        assertThat(u.costNanos()).isEqualTo(CLAUDE_NANOS);
        assertThat(u.provider()).isEqualTo("anthropic");
    }

    @Test
    void anthropicMessagesNonStreamAndStreamCountCacheTokensOnce() throws Exception {
        HttpResponse<String> whole = Http.send(gateway.post("/v1/messages",
                "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":100,\"messages\":[]}"));
        HttpResponse<String> streamed = Http.send(gateway.post("/v1/messages?beta=true",
                "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":100,\"stream\":true,\"messages\":[]}"));

        assertThat(whole.headers().firstValue("X-Cost-USD")).hasValue("0.000795");
        assertClaude(gateway.awaitUsage(requestId(whole)));
        assertThat(gateway.fake.requests().getLast().header("x-api-key")).isEqualTo(TestGateway.ANTHROPIC_PROVIDER_KEY);
        assertThat(streamed.body()).contains("event: content_block_stop").endsWith("data: {\"type\":\"message_stop\"}\n\n");
        UsageRowView s = gateway.awaitUsage(requestId(streamed));
        assertClaude(s);
        assertThat(s.complete()).isTrue();
    }

    @Test
    void clientThatGoesAwayMidStreamIsStillBilledInFull() throws Exception {
        gateway.fake.holdStreamsAfterFirstEvent();
        HttpResponse<InputStream> r = Http.open(gateway.post("/v1/chat/completions",
                "{\"model\":\"gpt-4o-mini\",\"stream\":true}"));
        assertThat(Http.readEvent(r.body())).startsWith("data: ");
        r.body().close();
        gateway.fake.releaseStreams();

        UsageRowView u = gateway.awaitUsage(requestId(r));
        assertOpenAi(u);
        assertThat(u.complete()).isTrue();
    }

    @Test
    void streamCutByTheProviderIsRecordedIncompleteWithWhatWasSeen() throws Exception {
        gateway.fake.cutStreamsAfter(3);
        HttpResponse<String> r = Http.send(gateway.post("/v1/messages",
                "{\"model\":\"claude-sonnet-4-5\",\"stream\":true,\"messages\":[]}"));

        UsageRowView u = gateway.awaitUsage(requestId(r));
        assertThat(u.streamed()).isTrue();
        assertThat(u.complete()).isFalse();
        assertThat(u.input()).isEqualTo(525);
        assertThat(u.output()).isEqualTo(1);
    }

    @Test
    void embeddingsAndUnpricedModels() throws Exception {
        HttpResponse<String> emb = Http.send(gateway.post("/v1/embeddings",
                "{\"model\":\"text-embedding-3-small\",\"input\":\"hi\"}"));
        UsageRowView e = gateway.awaitUsage(requestId(emb));
        assertThat(e.input()).isEqualTo(8);
        assertThat(e.output()).isZero();

        HttpResponse<String> unknown = Http.send(gateway.post("/v1/chat/completions", "{\"model\":\"my-local-model\"}"));
        assertThat(unknown.headers().firstValue("X-Cost-USD")).hasValue("0");
        UsageRowView u = gateway.awaitUsage(requestId(unknown));
        assertThat(u.unpriced()).isTrue();
        assertThat(u.costNanos()).isZero();
        assertThat(u.input()).isEqualTo(21);
    }

    @Test
    void refusalsAreRecordedWithTheirCode() throws Exception {
        HttpResponse<String> bad = Http.send(gateway.post("/v1/chat/completions", "{oops"));
        UsageRowView u = gateway.awaitUsage(requestId(bad));
        assertThat(u.status()).isEqualTo(400);
        assertThat(u.errorCode()).isEqualTo("invalid_request");

        HttpResponse<String> anonymous = Http.send(HttpRequest.newBuilder(java.net.URI.create(gateway.url() + "/v1/responses"))
                .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString("{}")));
        UsageRowView a = gateway.awaitUsage(requestId(anonymous));
        assertThat(a.status()).isEqualTo(401);
        assertThat(a.keyId()).isNull();
        assertThat(a.errorCode()).isEqualTo("invalid_api_key");
    }
}
