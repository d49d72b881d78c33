package dev.aegis.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.config.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The server listens before the daemon's routes exist: a call in that window waits for them. */
class GatewayServerTest {

    private final HttpClient client = HttpClient.newHttpClient();
    private GatewayServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private static ServerConfig loopback(boolean front) {
        return new ServerConfig("127.0.0.1", 0, 1024 * 1024, List.of(), List.of(), 8 * 1024 * 1024, Duration.ofSeconds(10),
                Duration.ZERO, Duration.ZERO, front, 1, ServerConfig.AUTO_MAX_CONNECTIONS);
    }

    private CompletableFuture<HttpResponse<String>> send(String method, String path) {
        return client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.ofString("{}")).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void awaitWaiting(int calls) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.waitingForRoutes() < calls && System.nanoTime() < deadline) {
            Thread.sleep(2); // a poll with a deadline: the calls are on the server's threads
        }
        assertThat(server.waitingForRoutes()).as("calls held for the routes").isEqualTo(calls);
    }

    @ParameterizedTest(name = "front {0}")
    @ValueSource(booleans = {true, false})
    void callsMadeBeforeTheRoutesExistWaitAndAreRouted(boolean front) throws Exception {
        server = GatewayServer.listen(loopback(front), new CallsAtWork());
        CompletableFuture<HttpResponse<String>> get = send("GET", "/early");
        CompletableFuture<HttpResponse<String>> post = send("POST", "/v1/early");
        awaitWaiting(2);
        assertThat(get).isNotDone();

        server.open(routes -> {
            routes.get("/early", ctx -> ctx.result("routed get"));
            routes.post("/v1/early", ctx -> ctx.result("routed post"));
        }, null);

        HttpResponse<String> got = get.get(20, TimeUnit.SECONDS);
        assertThat(got.statusCode()).as(got.body()).isEqualTo(200);
        assertThat(got.body()).isEqualTo("routed get");
        HttpResponse<String> posted = post.get(20, TimeUnit.SECONDS);
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
        assertThat(posted.body()).isEqualTo("routed post");
        assertThat(server.waitingForRoutes()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/v1/chat/completions", "/v1/messages"})
    void aStartThatEndsBeforeTheRoutesCameAnswersTheWaitingCalls503(String path) throws Exception {
        server = GatewayServer.listen(loopback(true), new CallsAtWork());
        CompletableFuture<HttpResponse<String>> post = send("POST", path);
        awaitWaiting(1);

        server.stop();
        server = null;

        HttpResponse<String> got = post.get(20, TimeUnit.SECONDS);
        assertThat(got.statusCode()).isEqualTo(503);
        assertThat(got.body()).contains("\"shutting_down\"", "stopped before it was ready");
        assertThat(got.body().startsWith("{\"type\":\"error\"")).as(got.body()).isEqualTo(path.equals("/v1/messages"));
    }
}
