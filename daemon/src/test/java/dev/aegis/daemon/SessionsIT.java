package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.keys.NewKey;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28, items 1 and 3: the session, agent and client the coding agents send are recorded on each
 * usage row (ids capped, control characters refused), reported by {@code by=session|client|agent},
 * with the cache-hit rate of each group.
 */
class SessionsIT {

    @TempDir
    static Path temp;

    static TestGateway gateway;

    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[]}";

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start(temp);
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    /** session, agent and client of a call's row. */
    static String[] tags(String requestId) throws Exception {
        gateway.awaitUsage(requestId);
        return gateway.db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT session_id, agent_id, client FROM usage WHERE request_id = ?")) {
                ps.setString(1, requestId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new String[] {rs.getString(1), rs.getString(2), rs.getString(3)};
                }
            }
        });
    }

    private static String id(HttpResponse<String> r) {
        return r.headers().firstValue("X-Request-Id").orElseThrow();
    }

    @Test
    void claudeCodesSessionAndSubAgentAreRecorded() throws Exception {
        HttpResponse<String> r = Http.send(gateway.post("/v1/messages",
                "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":5,\"messages\":[]}")
                .header("x-claude-code-session-id", "3f1c9a2e-claude-session")
                .header("x-claude-code-agent-id", "agent-explore-1")
                .header("User-Agent", "claude-cli/2.0.14 (external, cli)"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(tags(id(r))).containsExactly("3f1c9a2e-claude-session", "agent-explore-1", "claude-code");
    }

    @Test
    void codexsSessionAndOriginatorAreRecordedNewAndOldHeaders() throws Exception {
        HttpResponse<String> r = Http.send(gateway.post("/v1/responses", "{\"model\":\"gpt-4o-mini\",\"input\":\"hi\"}")
                .header("session-id", "codex-session-new").header("originator", "codex_cli_rs"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(tags(id(r))).containsExactly("codex-session-new", null, "codex_cli_rs");

        HttpResponse<String> thread = Http.send(gateway.post("/v1/responses", "{\"model\":\"gpt-4o-mini\",\"input\":\"hi\"}")
                .header("thread-id", "codex-thread").header("originator", "codex_exec"));
        assertThat(tags(id(thread))).containsExactly("codex-thread", null, "codex_exec");

        HttpResponse<String> old = Http.send(gateway.post("/v1/responses", "{\"model\":\"gpt-4o-mini\",\"input\":\"hi\"}")
                .header("session_id", "codex-session-old").header("originator", "codex_cli_rs"));
        assertThat(tags(id(old))).containsExactly("codex-session-old", null, "codex_cli_rs");

        HttpResponse<String> conversation = Http.send(gateway.post("/v1/responses",
                "{\"model\":\"gpt-4o-mini\",\"input\":\"hi\"}").header("conversation_id", "codex-conversation"));
        assertThat(tags(id(conversation))[0]).isEqualTo("codex-conversation");
    }

    @Test
    void aCallWithoutAgentHeadersHasNoSession() throws Exception {
        HttpResponse<String> r = Http.send(gateway.post("/v1/chat/completions", CHAT).header("User-Agent", "curl/8.5"));
        assertThat(tags(id(r))[0]).isNull();
        assertThat(tags(id(r))[1]).isNull();
    }

    @Test
    void sessionIdsLongerThan128OrWithControlCharactersAreRefused() throws Exception {
        HttpResponse<String> tooLong = Http.send(gateway.post("/v1/chat/completions", CHAT)
                .header("x-claude-code-session-id", "s".repeat(129)));
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(Http.json(tooLong.body()).at("/error/code").asText()).isEqualTo("invalid_request");
        assertThat(Http.json(tooLong.body()).at("/error/message").asText()).contains("x-claude-code-session-id");
        assertThat(gateway.awaitUsage(id(tooLong)).status()).isEqualTo(400);
        assertThat(tags(id(tooLong))[0]).isNull();

        HttpResponse<String> fits = Http.send(gateway.post("/v1/chat/completions", CHAT)
                .header("x-claude-code-session-id", "s".repeat(128)));
        assertThat(fits.statusCode()).isEqualTo(200);

        for (String header : List.of("x-claude-code-session-id: s\u009b2J", "session-id: a\tb", "x-claude-code-agent-id: a\u0085",
                "originator: codex\u009d")) {
            String answer = raw(header);
            assertThat(answer).as(header).startsWith("HTTP/1.1 400").contains("\"code\":\"invalid_request\"");
            assertThat(answer.substring(answer.indexOf("\r\n\r\n") + 4)).doesNotContainPattern("\\p{Cc}");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("X-Request-Id: (\\S+)").matcher(answer);
            assertThat(m.find()).isTrue();
            assertThat(gateway.awaitUsage(m.group(1)).status()).isEqualTo(400);
        }
    }

    @Test
    void usageByClientSessionAndAgentWithTheCacheHitRate() throws Exception {
        String key = gateway.mintKey(new NewKey("reporter", "default", false, List.of(), null, null, null, null));
        String last = null;
        for (String session : List.of("rep-a", "rep-a", "rep-b")) {
            last = id(Http.send(Http.post(gateway.url() + "/v1/chat/completions", CHAT)
                    .header("Authorization", "Bearer " + key).header("session-id", session)
                    .header("originator", "codex_cli_rs")));
        }
        gateway.awaitUsage(last);
        JsonNode bySession = Http.json(Http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(gateway.url() + "/aegis/v1/usage?by=session")).header("Authorization", "Bearer " + key)
                .GET()).body());
        assertThat(bySession.path("by").asText()).isEqualTo("session");
        assertThat(bySession.path("groups").findValuesAsText("group")).containsExactly("rep-a", "rep-b");
        // The fake bills 21 prompt tokens, 5 of them read from the cache.
        JsonNode a = bySession.path("groups").get(0);
        assertThat(a.path("requests").asLong()).isEqualTo(2);
        assertThat(a.path("cache_hit_rate").decimalValue()).isEqualByComparingTo(new BigDecimal("0.2381"));
        assertThat(bySession.at("/total/cache_hit_rate").decimalValue()).isEqualByComparingTo(new BigDecimal("0.2381"));

        JsonNode byClient = Http.json(Http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(gateway.url() + "/aegis/v1/usage?by=client")).header("Authorization", "Bearer " + key)
                .GET()).body());
        assertThat(byClient.path("groups").findValuesAsText("group")).containsExactly("codex_cli_rs");
        JsonNode byAgent = Http.json(Http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(gateway.url() + "/aegis/v1/usage?by=agent")).header("Authorization", "Bearer " + key)
                .GET()).body());
        assertThat(byAgent.path("groups").findValuesAsText("group")).containsExactly("(none)");
    }

    @Test
    void liveEventsNameTheSessionAgentAndClient() throws Exception {
        String admin = gateway.mintKey(new NewKey("watcher", "default", true, List.of(), null, null, null, null));
        java.net.http.HttpResponse<java.io.InputStream> events = Http.open(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(gateway.url() + "/aegis/v1/events")).header("Authorization", "Bearer " + admin).GET());
        try (java.io.InputStream in = events.body()) {
            assertThat(Http.readEvent(in)).startsWith(":");
            String call = id(Http.send(gateway.post("/v1/chat/completions", CHAT)
                    .header("x-claude-code-session-id", "live-session").header("x-claude-code-agent-id", "live-agent")));
            String event = Http.readEvent(in);
            for (int i = 0; i < 50 && !event.isEmpty() && !event.contains(call); i++) {
                event = Http.readEvent(in);
            }
            assertThat(event).contains(call);
            JsonNode data = Http.json(event.substring(event.indexOf("data: ") + 6).strip());
            assertThat(data.path("session").asText()).isEqualTo("live-session");
            assertThat(data.path("agent").asText()).isEqualTo("live-agent");
            assertThat(data.path("client").asText()).isEqualTo("claude-code");
        }
    }

    static String raw(String header) throws Exception {
        try (Socket s = new Socket("127.0.0.1", gateway.state().port())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "Authorization: Bearer " + gateway.clientKey + "\r\nContent-Type: application/json\r\n" + header + "\r\n"
                    + "Content-Length: " + CHAT.length() + "\r\n\r\n" + CHAT).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
