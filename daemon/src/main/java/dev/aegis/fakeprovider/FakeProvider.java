package dev.aegis.fakeprovider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.json.Json;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A faithful stand-in for an OpenAI-compatible provider on loopback: the real answer shapes, SSE
 * event sequences and usage fields, plus controls to hold a stream, fail or delay. Used by the
 * tests, and by {@code aegis bench} and {@code aegis doctor} as their built-in upstream.
 */
public final class FakeProvider implements AutoCloseable {

    /** A canned answer for the next call, e.g. an error the provider would send. */
    public record CannedResponse(int status, String contentType, String body, Map<String, String> headers) {}

    private final Javalin app;
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<CannedResponse> canned = new ConcurrentLinkedQueue<>();
    private volatile CountDownLatch streamGate;
    private final CountDownLatch firstEventSent = new CountDownLatch(1);
    private volatile Duration eventDelay = Duration.ZERO;
    private volatile Duration headerDelay = Duration.ZERO;
    private volatile int cutAfterEvents = -1;
    private final java.util.concurrent.atomic.AtomicLong eventsWritten = new java.util.concurrent.atomic.AtomicLong();
    private volatile int textRepeat = 1;
    private volatile long storedContextTokens;

    private FakeProvider() {
        app = Javalin.create(config -> {
            config.concurrency.useVirtualThreads = true;
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.startup.startupWatcherEnabled = false;
            config.http.compressionStrategy = CompressionStrategy.NONE;
            config.http.maxRequestSize = Long.MAX_VALUE;
            config.jetty.host = "127.0.0.1";
            config.jetty.port = 0;
            RoutesConfig routes = config.routes;
            routes.before(this::record);
            routes.post("/v1/chat/completions", this::chat);
            routes.post("/v1/responses", this::responses);
            routes.post("/v1/responses/compact", this::compact);
            routes.post("/v1/responses/input_tokens", ctx -> ctx.contentType("application/json")
                    .result("{\"object\":\"response.input_tokens\",\"input_tokens\":42}"));
            routes.post("/v1/embeddings", this::embeddings);
            routes.post("/v1/completions", this::completions);
            routes.post("/v1/messages", this::messages);
            // Azure OpenAI: one deployment per model in the path (the adapter adds ?api-version=).
            routes.post("/openai/deployments/{deployment}/chat/completions", this::chat);
            routes.post("/openai/deployments/{deployment}/responses", this::responses);
            routes.post("/v1/messages/count_tokens", ctx -> ctx.contentType("application/json").result("{\"input_tokens\":42}"));
            routes.get("/v1/files", ctx -> ctx.json(Map.of("object", "list", "data", List.of(
                    Map.of("id", "file-fake1", "object", "file", "purpose", "batch")))));
            routes.get("/v1/models", ctx -> ctx.json(Map.of("object", "list", "data", List.of(
                    Map.of("id", "gpt-4o-mini", "object", "model", "owned_by", "fake")))));
            routes.error(404, ctx -> ctx.contentType("application/json").result(
                    "{\"error\":{\"message\":\"Unknown path " + ctx.path() + "\",\"type\":\"invalid_request_error\","
                            + "\"param\":null,\"code\":\"unknown_url\"}}"));
        });
    }

    /** Starts a fake provider on a random loopback port. */
    public static FakeProvider start() {
        FakeProvider f = new FakeProvider();
        f.app.start();
        return f;
    }

    public int port() {
        return ((ServerConnector) app.jettyServer().server().getConnectors()[0]).getLocalPort();
    }

    /** The OpenAI-style base URL, ending in {@code /v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    /** The Anthropic-style base URL (the host; the API adds {@code /v1}). */
    public String anthropicBaseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** Streams send their first event, then wait until {@link #releaseStreams()}. */
    public void holdStreamsAfterFirstEvent() {
        streamGate = new CountDownLatch(1);
    }

    public void releaseStreams() {
        CountDownLatch g = streamGate;
        if (g != null) {
            g.countDown();
        }
    }

    /** Waits until some stream has sent its first event. */
    public boolean awaitFirstEvent(Duration timeout) throws InterruptedException {
        return firstEventSent.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void eventDelay(Duration delay) {
        this.eventDelay = delay;
    }

    /** Waits this long before answering at all (no headers), as a provider that is slow to start. */
    public void headerDelay(Duration delay) {
        this.headerDelay = delay;
    }

    /** Stream events written so far, over all streams (the provider's side of backpressure). */
    public long eventsWritten() {
        return eventsWritten.get();
    }

    /** Streamed answers repeat their text this many times (a long answer, e.g. to reach a budget). */
    public void repeatText(int times) {
        this.textRepeat = Math.max(1, times);
    }

    private List<String> words() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < textRepeat; i++) {
            out.addAll(OpenAiTranscripts.WORDS);
        }
        return out;
    }

    /**
     * Responses calls that continue stored context ({@code previous_response_id}, {@code conversation}
     * or a stored {@code prompt}) report this many more input tokens, as a provider bills the stored
     * turns it reads; context the request body does not show.
     */
    public void storedContextTokens(long tokens) {
        this.storedContextTokens = tokens;
    }

    /** Streams send this many events, then the connection is cut (no proper end); negative turns it off. */
    public void cutStreamsAfter(int events) {
        this.cutAfterEvents = events;
    }

    /** The next call gets this answer instead of the normal one. */
    public void enqueue(CannedResponse response) {
        canned.add(response);
    }

    private void record(Context ctx) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(ctx.req().getHeaderNames())) {
            headers.put(name.toLowerCase(Locale.ROOT), Collections.list(ctx.req().getHeaders(name)));
        }
        requests.add(new RecordedRequest(ctx.method().name(), ctx.path(), ctx.queryString(), headers, ctx.bodyAsBytes()));
        if (!headerDelay.isZero()) {
            try {
                Thread.sleep(headerDelay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private boolean answeredCanned(Context ctx) {
        CannedResponse c = canned.poll();
        if (c == null) {
            return false;
        }
        c.headers().forEach(ctx::header);
        ctx.status(c.status()).contentType(c.contentType()).result(c.body());
        return true;
    }

    private void chat(Context ctx) throws IOException, InterruptedException {
        if (answeredCanned(ctx)) {
            return;
        }
        JsonNode body = Json.mapper().readTree(ctx.bodyAsBytes());
        String model = body.path("model").asText("gpt-4o-mini");
        String tool = body.at("/tools/0/function/name").asText(null);
        String tier = servedTier(body);
        if (!body.path("stream").asBoolean(false)) {
            ctx.contentType("application/json").header("x-request-id", "req_fake_upstream").result(tool == null
                    ? OpenAiTranscripts.chatCompletion(model, tier) : OpenAiTranscripts.chatToolCall(model, tier, tool));
            return;
        }
        boolean includeUsage = body.path("stream_options").path("include_usage").asBoolean(false);
        List<String> frames = new ArrayList<>();
        for (String data : tool == null ? OpenAiTranscripts.chatStream(model, tier, includeUsage, words())
                : OpenAiTranscripts.chatToolCallStream(model, tier, tool, includeUsage)) {
            frames.add("data: " + data + "\n\n");
        }
        stream(ctx, frames);
    }

    private void responses(Context ctx) throws IOException, InterruptedException {
        if (answeredCanned(ctx)) {
            return;
        }
        JsonNode body = Json.mapper().readTree(ctx.bodyAsBytes());
        String model = body.path("model").asText("gpt-4o-mini");
        String tier = servedTier(body);
        long stored = body.path("previous_response_id").isTextual() || body.path("conversation").isTextual()
                || body.path("conversation").isObject() || body.path("prompt").isObject() ? storedContextTokens : 0;
        if (!body.path("stream").asBoolean(false)) {
            ctx.contentType("application/json").result(
                    OpenAiTranscripts.response(model, tier, "completed", true, stored).toString());
            return;
        }
        List<String> frames = new ArrayList<>();
        for (String[] e : OpenAiTranscripts.responsesStream(model, tier, words(), stored)) {
            frames.add("event: " + e[0] + "\ndata: " + e[1] + "\n\n");
        }
        stream(ctx, frames);
    }

    /**
     * The tier OpenAI names in its answer: the one asked for when it has its own capacity
     * ({@code priority}, {@code flex}), the project's standard one otherwise (also for {@code auto}).
     */
    private static String servedTier(JsonNode body) {
        String asked = body.path("service_tier").asText("");
        return asked.equals("priority") || asked.equals("flex") ? asked : "default";
    }

    private void messages(Context ctx) throws IOException, InterruptedException {
        if (answeredCanned(ctx)) {
            return;
        }
        JsonNode body = Json.mapper().readTree(ctx.bodyAsBytes());
        String model = body.path("model").asText("claude-sonnet-4-5");
        String tool = body.at("/tools/0/name").asText(null);
        if (!body.path("stream").asBoolean(false)) {
            ctx.contentType("application/json").header("request-id", "req_fake_anthropic").result(tool == null
                    ? AnthropicTranscripts.message(model) : AnthropicTranscripts.toolUse(model, tool));
            return;
        }
        List<String> frames = new ArrayList<>();
        for (String[] e : tool == null ? AnthropicTranscripts.stream(model, words())
                : AnthropicTranscripts.toolUseStream(model, tool)) {
            frames.add("event: " + e[0] + "\ndata: " + e[1] + "\n\n");
        }
        stream(ctx, frames);
    }

    private void compact(Context ctx) throws IOException {
        if (answeredCanned(ctx)) {
            return;
        }
        String model = Json.mapper().readTree(ctx.bodyAsBytes()).path("model").asText("gpt-5");
        ctx.contentType("application/json").result(OpenAiTranscripts.compaction(model));
    }

    private void embeddings(Context ctx) {
        if (answeredCanned(ctx)) {
            return;
        }
        ctx.contentType("application/json").result("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,"
                + "\"embedding\":[0.1,0.2,0.3]}],\"model\":\"text-embedding-3-small\","
                + "\"usage\":{\"prompt_tokens\":8,\"total_tokens\":8}}");
    }

    /** A legacy completion, whole or streamed. */
    private void completions(Context ctx) throws IOException, InterruptedException {
        if (answeredCanned(ctx)) {
            return;
        }
        JsonNode body = Json.mapper().readTree(ctx.bodyAsBytes());
        if (body.path("stream").asBoolean(false)) {
            List<String> frames = new ArrayList<>();
            for (String data : OpenAiTranscripts.completionStream(body.path("model").asText("gpt-3.5-turbo-instruct"),
                    body.path("stream_options").path("include_usage").asBoolean(false), words())) {
                frames.add("data: " + data + "\n\n");
            }
            stream(ctx, frames);
            return;
        }
        ctx.contentType("application/json").result("{\"id\":\"cmpl-fake1\",\"object\":\"text_completion\","
                + "\"created\":1700000000,\"model\":\"gpt-3.5-turbo-instruct\",\"choices\":[{\"text\":\"Hello.\","
                + "\"index\":0,\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7}}");
    }

    private void stream(Context ctx, List<String> frames) throws IOException, InterruptedException {
        ctx.status(200);
        ctx.res().setContentType("text/event-stream; charset=utf-8");
        ctx.res().setHeader("Cache-Control", "no-cache");
        ctx.res().setHeader("x-request-id", "req_fake_upstream");
        OutputStream out = ctx.res().getOutputStream();
        CountDownLatch gate = streamGate;
        for (int i = 0; i < frames.size(); i++) {
            if (i == cutAfterEvents) {
                // The connection drops mid-stream, without the chunked body's end.
                ServletContextRequest.getServletContextRequest(ctx.req()).getConnectionMetaData().getConnection()
                        .getEndPoint().close(new IOException("cut by the test"));
                return;
            }
            out.write(frames.get(i).getBytes(StandardCharsets.UTF_8));
            out.flush();
            eventsWritten.incrementAndGet();
            if (i == 0) {
                firstEventSent.countDown();
                if (gate != null && !gate.await(30, TimeUnit.SECONDS)) {
                    return;
                }
            }
            if (!eventDelay.isZero()) {
                Thread.sleep(eventDelay);
            }
        }
    }

    @Override
    public void close() {
        releaseStreams();
        app.stop();
    }
}
