package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.keys.NewKey;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model, tenant and run ids with control characters, or longer than their cap, are 400 {@code invalid_request}. */
class IdValidationIT {

    @TempDir
    static Path temp;

    static TestGateway gateway;
    static String subTenantKey;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start(temp);
        subTenantKey = gateway.mintKey(new NewKey("k", "acme", false, List.of(), null, null, null, null, null, null, null,
                true));
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    private static void assertInvalid(HttpResponse<String> r, String what) throws Exception {
        assertThat(r.statusCode()).as(what + ": " + r.body()).isEqualTo(400);
        JsonNode error = Http.json(r.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("invalid_request");
        assertThat(error.path("message").asText()).doesNotContainPattern("\\p{Cc}");
        UsageRowView row = gateway.awaitUsage(r.headers().firstValue("X-Request-Id").orElseThrow());
        assertThat(row.status()).isEqualTo(400);
        assertThat(row.modelRequested() == null ? "" : row.modelRequested()).doesNotContainPattern("\\p{Cc}");
        assertThat(row.tenant() == null ? "" : row.tenant()).doesNotContainPattern("\\p{Cc}");
        assertThat(row.runId() == null ? "" : row.runId()).doesNotContainPattern("\\p{Cc}");
    }

    @Test
    void modelsWithControlCharactersAreRefusedNotForwarded() throws Exception {
        int before = gateway.fake.requests().size();
        for (String model : List.of("gpt-4o-mini\\r\\nX-Evil: 1", "gpt-4o-mini\\u001b[31m", "gpt\\u0000", "gpt\\u009b2J")) {
            HttpResponse<String> r = Http.send(gateway.post("/v1/chat/completions",
                    "{\"model\":\"" + model + "\",\"messages\":[]}"));
            assertInvalid(r, model);
        }
        HttpResponse<String> messages = Http.send(gateway.post("/v1/messages",
                "{\"model\":\"claude-sonnet-4-5\\u001b]0;owned\\u0007\",\"max_tokens\":5,\"messages\":[]}"));
        assertThat(messages.statusCode()).isEqualTo(400);
        assertThat(Http.json(messages.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(gateway.fake.requests()).hasSize(before);
    }

    @Test
    void modelsLongerThan256AreRefused() throws Exception {
        HttpResponse<String> r = Http.send(gateway.post("/v1/chat/completions",
                "{\"model\":\"gpt-4o-mini" + "x".repeat(250) + "\",\"messages\":[]}"));
        assertInvalid(r, "long model");
        assertThat(Http.send(gateway.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":[]}"))
                .statusCode()).isEqualTo(200);
    }

    @Test
    void tenantAndRunIdsLongerThan128AreRefused() throws Exception {
        assertInvalid(Http.send(Http.post(gateway.url() + "/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":[]}")
                .header("Authorization", "Bearer " + subTenantKey).header("x-tenant-id", "acme/" + "t".repeat(124))),
                "long tenant");
        assertInvalid(Http.send(gateway.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":[]}")
                .header("x-run-id", "r".repeat(129))), "long run");
        HttpResponse<String> fits = Http.send(Http.post(gateway.url() + "/v1/chat/completions",
                "{\"model\":\"gpt-4o-mini\",\"messages\":[]}").header("Authorization", "Bearer " + subTenantKey)
                .header("x-tenant-id", "acme/" + "t".repeat(123)).header("x-run-id", "r".repeat(128)));
        assertThat(fits.statusCode()).isEqualTo(200);
    }

    @Test
    void tenantAndRunIdsWithControlCharactersAreRefused() throws Exception {
        // The JDK's client will not send these bytes; a raw socket does, as a hostile client would. Jetty's
        // parser already refuses C0 controls and DEL in a header; a tab and C1 controls (ISO-8859-1 bytes) reach Aegis.
        for (String header : List.of("x-run-id: run\tone", "x-run-id: run\u009b2J", "x-tenant-id: acme/\u0085x",
                "x-tenant-id: acme/x\u009d")) {
            String answer = raw(header);
            assertThat(answer).as(header).startsWith("HTTP/1.1 400");
            assertThat(answer).contains("\"code\":\"invalid_request\"");
            String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
            assertThat(body).doesNotContainPattern("\\p{Cc}");
            java.util.regex.Matcher id = java.util.regex.Pattern.compile("X-Request-Id: (\\S+)").matcher(answer);
            assertThat(id.find()).isTrue();
            UsageRowView row = gateway.awaitUsage(id.group(1));
            assertThat(row.status()).isEqualTo(400);
            assertThat(row.tenant()).isEqualTo("acme");
            assertThat(row.runId()).isNull();
        }
        for (String header : List.of("x-tenant-id: acme/\u001b[2J", "x-run-id: run\u001b]0;owned\u0007",
                "x-tenant-id: acme/\u007f")) {
            assertThat(raw(header)).as(header).startsWith("HTTP/1.1 400").doesNotContain("\u001b").doesNotContain("\u007f");
        }
    }

    private static String raw(String header) throws Exception {
        String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[]}";
        try (Socket s = new Socket("127.0.0.1", gateway.state().port())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "Authorization: Bearer " + subTenantKey + "\r\nContent-Type: application/json\r\n" + header + "\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
