package dev.aegis.cli.daemon;

import dev.aegis.control.ControlRoutes;
import dev.aegis.control.DaemonState;
import dev.aegis.control.HealthPayload;
import dev.aegis.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** Talks HTTP to a running daemon: health and the control routes. */
public final class DaemonClient {

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    /** The daemon's health, or empty when it does not answer (yet). */
    public Optional<HealthPayload> health(DaemonState state) {
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(localUrl(state) + ControlRoutes.HEALTH))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                return Optional.empty();
            }
            return Optional.of(Json.mapper().readValue(r.body(), HealthPayload.class));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Waits until the daemon has written the records of every call it answered; true when it has. */
    public boolean flush(DaemonState state) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(localUrl(state) + ControlRoutes.FLUSH))
                            .timeout(Duration.ofSeconds(15))
                            .header(ControlRoutes.CONTROL_TOKEN_HEADER, state.controlToken())
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Asks the daemon to stop gracefully; true when it accepted. */
    public boolean requestShutdown(DaemonState state, Duration drainTimeout) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(localUrl(state) + ControlRoutes.SHUTDOWN
                                    + "?timeout_ms=" + drainTimeout.toMillis()))
                            .timeout(Duration.ofSeconds(5))
                            .header(ControlRoutes.CONTROL_TOKEN_HEADER, state.controlToken())
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 202;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Reads the daemon's live events until the stream ends or the handler returns false.
     *
     * @param handler gets each event's JSON; returns whether to keep reading
     */
    public void events(DaemonState state, java.util.function.Predicate<String> handler) {
        HttpClient streaming = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        try {
            HttpResponse<java.util.stream.Stream<String>> r = streaming.send(HttpRequest.newBuilder(
                                    URI.create(localUrl(state) + "/aegis/v1/events"))
                            .header(ControlRoutes.CONTROL_TOKEN_HEADER, state.controlToken())
                            .GET().build(),
                    HttpResponse.BodyHandlers.ofLines());
            if (r.statusCode() != 200) {
                r.body().close();
                return;
            }
            try (java.util.stream.Stream<String> lines = r.body()) {
                java.util.Iterator<String> it = lines.iterator();
                while (it.hasNext()) {
                    String line = it.next();
                    if (line.startsWith("data: ") && !handler.test(line.substring(6))) {
                        return;
                    }
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // The daemon went away; the caller reconnects.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            streaming.shutdownNow();
        }
    }

    /** A wildcard bind address is reached through loopback. */
    private static String localUrl(DaemonState state) {
        String host = state.host();
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            return "http://127.0.0.1:" + state.port();
        }
        return state.url();
    }
}
