package dev.aegis.cli.daemon;

import dev.aegis.control.ControlRoutes;
import dev.aegis.control.DaemonState;
import dev.aegis.control.HealthPayload;
import dev.aegis.home.AegisHome;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Talks HTTP to a running daemon on loopback: health, the control routes and live events.
 *
 * <p>Plain {@link HttpURLConnection}, never a proxy: building a {@code java.net.http.HttpClient}
 * sets up TLS and a selector thread, which cost a CLI command several hundred milliseconds of its
 * start-up for a call that never leaves the machine.
 */
public final class DaemonClient {

    private static final Duration CONNECT = Duration.ofSeconds(2);

    /** The daemon's health, or empty when it does not answer (yet). */
    public Optional<HealthPayload> health(DaemonState state) {
        try {
            HttpURLConnection c = open(state, ControlRoutes.HEALTH, "GET", Duration.ofSeconds(2));
            try {
                if (c.getResponseCode() != 200) {
                    return Optional.empty();
                }
                try (InputStream in = c.getInputStream()) {
                    return Optional.of(HealthPayload.fromJson(in));
                }
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Has this home's running daemon, if any, write the records it holds (usage rows are written in the
     * background): what reads the store next sees every call answered so far. Waits at most {@code wait}:
     * a daemon that cannot write (its database down) does not hold up what reads the rows already stored.
     */
    public static void flushRecords(AegisHome home, Duration wait) {
        DaemonStatus status = new DaemonLocator(home).locate();
        status.state().filter(s -> status.running()).ifPresent(s -> new DaemonClient().flush(s, wait));
    }

    /** Waits until the daemon has written the records of every call it answered; true when it has. */
    public boolean flush(DaemonState state) {
        return flush(state, Duration.ofSeconds(15));
    }

    private boolean flush(DaemonState state, Duration wait) {
        return control(state, ControlRoutes.FLUSH, wait) == 200;
    }

    /** Asks the daemon to stop gracefully; true when it accepted. */
    public boolean requestShutdown(DaemonState state, Duration drainTimeout) {
        return control(state, ControlRoutes.SHUTDOWN + "?timeout_ms=" + drainTimeout.toMillis(), Duration.ofSeconds(5)) == 202;
    }

    /**
     * Reads the daemon's live events until the stream ends or the handler returns false.
     *
     * @param opened runs once the daemon has answered: the events flow from here on
     * @param handler gets each event's JSON; returns whether to keep reading
     */
    public void events(DaemonState state, Runnable opened, Predicate<String> handler) {
        try {
            HttpURLConnection c = open(state, "/aegis/v1/events", "GET", Duration.ZERO);
            c.setRequestProperty(ControlRoutes.CONTROL_TOKEN_HEADER, state.controlToken());
            try {
                if (c.getResponseCode() != 200) {
                    return;
                }
                opened.run();
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        if (line.startsWith("data: ") && !handler.test(line.substring(6))) {
                            return;
                        }
                    }
                }
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            // The daemon went away; the caller reconnects.
        }
    }

    /**
     * A one-time dashboard login link, minted with the control token: the operator's, or a key's.
     *
     * @param keyId the key to view as, or null for the operator (every key)
     * @throws IOException when the daemon does not answer or refuses (its error message)
     */
    public String dashboardLink(DaemonState state, String keyId) throws IOException {
        String path = "/ui/login-link" + (keyId == null ? "" : "?key=" + java.net.URLEncoder.encode(keyId, StandardCharsets.UTF_8));
        HttpURLConnection c = open(state, path, "POST", Duration.ofSeconds(10));
        c.setRequestProperty(ControlRoutes.CONTROL_TOKEN_HEADER, state.controlToken());
        c.setDoOutput(true);
        c.setFixedLengthStreamingMode(0);
        try {
            c.getOutputStream().close();
            int status = c.getResponseCode();
            try (InputStream body = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
                com.fasterxml.jackson.databind.JsonNode json = dev.aegis.json.Json.mapper().readTree(body);
                if (status != 200) {
                    throw new IOException(json == null ? "HTTP " + status : json.at("/error/message").asText("HTTP " + status));
                }
                return json.path("url").asText();
            }
        } finally {
            c.disconnect();
        }
    }

    /**
     * Asks the daemon about its MCP servers ({@code GET /aegis/v1/mcp/servers}) or to approve one's
     * tools ({@code POST /aegis/v1/mcp/<server>/approve}), with the control token.
     *
     * @throws IOException when the daemon does not answer or refuses (its error message)
     */
    public com.fasterxml.jackson.databind.JsonNode mcp(DaemonState state, String approveServer) throws IOException {
        String path = approveServer == null ? "/aegis/v1/mcp/servers"
                : "/aegis/v1/mcp/" + java.net.URLEncoder.encode(approveServer, StandardCharsets.UTF_8) + "/approve";
        HttpURLConnection c = open(state, path, approveServer == null ? "GET" : "POST", Duration.ofSeconds(90));
        c.setRequestProperty(ControlRoutes.CONTROL_TOKEN_HEADER, state.controlToken());
        if (approveServer != null) {
            c.setDoOutput(true);
            c.setFixedLengthStreamingMode(0);
            c.getOutputStream().close();
        }
        try {
            int status = c.getResponseCode();
            try (InputStream body = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
                com.fasterxml.jackson.databind.JsonNode json = body == null ? null : dev.aegis.json.Json.mapper().readTree(body);
                if (status != 200) {
                    throw new IOException(json == null ? "HTTP " + status : json.at("/error/message").asText("HTTP " + status));
                }
                return json;
            }
        } finally {
            c.disconnect();
        }
    }

    /** POSTs to a control route with the control token; the status, or -1 when the daemon does not answer. */
    private static int control(DaemonState state, String path, Duration timeout) {
        try {
            HttpURLConnection c = open(state, path, "POST", timeout);
            c.setRequestProperty(ControlRoutes.CONTROL_TOKEN_HEADER, state.controlToken());
            c.setDoOutput(true);
            c.setFixedLengthStreamingMode(0);
            try {
                c.getOutputStream().close();
                int status = c.getResponseCode();
                InputStream body = status >= 400 ? c.getErrorStream() : c.getInputStream();
                if (body != null) {
                    body.readAllBytes();
                    body.close();
                }
                return status;
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return -1;
        }
    }

    /** @param readTimeout zero waits as long as it takes (the event stream) */
    private static HttpURLConnection open(DaemonState state, String path, String method, Duration readTimeout)
            throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(localUrl(state) + path).toURL().openConnection(Proxy.NO_PROXY);
        c.setRequestMethod(method);
        c.setConnectTimeout((int) CONNECT.toMillis());
        c.setReadTimeout((int) readTimeout.toMillis());
        c.setUseCaches(false);
        return c;
    }

    /**
     * A wildcard bind address is reached through loopback, and so is a daemon whose state names none (an empty
     * {@code --host} that versions before 2026-12-07 took and bound to loopback): stop and status still reach it.
     */
    private static String localUrl(DaemonState state) {
        String host = state.host();
        if (host.isBlank() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            return "http://127.0.0.1:" + state.port();
        }
        return state.url();
    }
}
