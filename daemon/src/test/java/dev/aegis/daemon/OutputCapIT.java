package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.fakeprovider.RecordedRequest;
import dev.aegis.json.Json;
import dev.aegis.keys.NewKey;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An output limit cannot be sidestepped: whatever numeric form the client writes it in, the body the
 * provider gets holds each output-limit field once, as an integer within Aegis's cap; strings,
 * fractions, negatives and repeated fields are refused with 400 before anything is forwarded.
 */
class OutputCapIT {

    /** The budget of the key that gets a cap: output is capped below this. */
    private static final long BUDGET = 1000;

    @TempDir
    static Path temp;

    static TestGateway gateway;
    /** A key with a token budget of {@value #BUDGET}: every call's output is capped. */
    static String capped;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start(temp);
        capped = gateway.mintKey(new NewKey("capped", "default", false, List.of(), null, null, null, null, null, BUDGET));
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    /** The raw texts of every top-level value named {@code field} in a JSON object. */
    private static List<String> topLevel(byte[] json, String field) throws IOException {
        List<String> values = new ArrayList<>();
        try (JsonParser p = Json.mapper().getFactory().createParser(json)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals(field)) {
                    values.add(p.getText());
                }
                p.skipChildren();
            }
        }
        return values;
    }

    private static HttpResponse<String> send(String key, String path, String body) throws Exception {
        return Http.send(gateway.post(path, body).setHeader("Authorization", "Bearer " + key));
    }

    private static RecordedRequest lastForwarded() {
        return gateway.fake.requests().getLast();
    }

    @Test
    void everyNumericFormOfAnOutputLimitIsCappedInPlace() throws Exception {
        String[][] cases = {
            {"/v1/chat/completions", "gpt-4o-mini", "max_completion_tokens", "100000.0"},
            {"/v1/chat/completions", "gpt-4o-mini", "max_tokens", "1e5"},
            {"/v1/chat/completions", "gpt-4o-mini", "max_tokens", "100000"},
            {"/v1/responses", "gpt-4o-mini", "max_output_tokens", "1.0E+5"},
            {"/v1/messages", "claude-sonnet-4-5", "max_tokens", "100000.000"},
            {"/v1/completions", "gpt-3.5-turbo-instruct", "max_tokens", "100000e0"},
        };
        for (String[] c : cases) {
            String body = "{\"model\":\"" + c[1] + "\",\"" + c[2] + "\":" + c[3] + ",\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"hi\"}],\"prompt\":\"hi\"}";
            String what = c[0] + " " + c[2] + ": " + c[3];
            int before = gateway.fake.requests().size();
            HttpResponse<String> r = send(capped, c[0], body);

            assertThat(r.statusCode()).as(what + " -> " + r.body()).isNotEqualTo(400);
            assertThat(gateway.fake.requests()).as(what).hasSize(before + 1);
            List<String> values = topLevel(lastForwarded().body(), c[2]);
            assertThat(values).as(what + " upstream: " + lastForwarded().bodyText()).hasSize(1);
            assertThat(values.getFirst()).as(what).matches("[0-9]+");
            assertThat(Long.parseLong(values.getFirst())).as(what).isPositive().isLessThan(BUDGET);
        }
    }

    @Test
    void anOpenAiCompatibleServerGetsTheCapAsMaxTokensTheFieldItReads() throws Exception {
        try (TestGateway g = TestGateway.start(temp.resolve("compatible"), """
                providers:
                  local: { type: openai-compatible, base_url: "%s" }
                routes: { "llama*": local }
                """.formatted(gateway.fake.baseUrl()), Map.of())) {
            String key = g.mintKey(new NewKey("capped", "default", false, List.of(), null, null, null, null, null, BUDGET));
            int before = gateway.fake.requests().size();
            HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", "{\"model\":\"llama3.2\",\"messages\":[]}")
                    .setHeader("Authorization", "Bearer " + key));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(gateway.fake.requests()).hasSize(before + 1);
            byte[] upstream = gateway.fake.requests().getLast().body();
            assertThat(topLevel(upstream, "max_completion_tokens")).isEmpty();
            assertThat(topLevel(upstream, "max_tokens")).hasSize(1).allSatisfy(v -> assertThat(Long.parseLong(v)).isLessThan(BUDGET));
            // OpenAI itself still gets its own field.
            Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":[]}")
                    .setHeader("Authorization", "Bearer " + key));
            assertThat(topLevel(g.fake.requests().getLast().body(), "max_completion_tokens")).hasSize(1);
        }
    }

    @Test
    void bothChatLimitsAreCappedWhenBothAreSent() throws Exception {
        HttpResponse<String> r = send(capped, "/v1/chat/completions",
                "{\"max_tokens\":100000,\"model\":\"gpt-4o-mini\",\"max_completion_tokens\":50000,\"messages\":[]}");

        assertThat(r.statusCode()).isEqualTo(200);
        byte[] upstream = lastForwarded().body();
        for (String field : List.of("max_tokens", "max_completion_tokens")) {
            List<String> values = topLevel(upstream, field);
            assertThat(values).as(field + " in " + lastForwarded().bodyText()).hasSize(1);
            assertThat(Long.parseLong(values.getFirst())).as(field).isLessThan(BUDGET);
        }
    }

    @Test
    void withoutACapAnIntegralFloatIsForwardedAsTheIntegerAegisRead() throws Exception {
        HttpResponse<String> r = send(gateway.clientKey, "/v1/chat/completions",
                "{\"model\":\"gpt-4o-mini\",\"max_tokens\":100.0,\"messages\":[]}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(lastForwarded().bodyText()).isEqualTo("{\"model\":\"gpt-4o-mini\",\"max_tokens\":100,\"messages\":[]}");
    }

    @Test
    void stringsFractionsNegativesAndOtherTypesAreRefused() throws Exception {
        String[][] cases = {
            {"/v1/chat/completions", "max_tokens", "\"100000\""},
            {"/v1/chat/completions", "max_completion_tokens", "100.5"},
            {"/v1/chat/completions", "max_completion_tokens", "-1"},
            {"/v1/chat/completions", "max_tokens", "-1e3"},
            {"/v1/chat/completions", "max_tokens", "true"},
            {"/v1/responses", "max_output_tokens", "[100]"},
            {"/v1/responses", "max_output_tokens", "1e-3"},
            {"/v1/messages", "max_tokens", "\"1e5\""},
        };
        for (String[] c : cases) {
            String what = c[0] + " " + c[1] + ": " + c[2];
            int before = gateway.fake.requests().size();
            HttpResponse<String> r = send(gateway.clientKey, c[0],
                    "{\"model\":\"gpt-4o-mini\",\"" + c[1] + "\":" + c[2] + ",\"messages\":[]}");

            assertThat(r.statusCode()).as(what + " -> " + r.body()).isEqualTo(400);
            JsonNode error = Http.json(r.body()).path("error");
            assertThat(error.path("code").asText()).as(what).isEqualTo("invalid_request");
            assertThat(error.path("message").asText()).as(what).contains("'" + c[1] + "'");
            assertThat(gateway.fake.requests()).as(what + ": nothing forwarded").hasSize(before);
            UsageRowView row = gateway.awaitUsage(r.headers().firstValue("X-Request-Id").orElseThrow());
            assertThat(row.status()).as(what).isEqualTo(400);
        }
    }

    @Test
    void fieldsAegisReadsMayAppearOnlyOnce() throws Exception {
        String[][] cases = {
            {"/v1/chat/completions", "max_tokens", "{\"model\":\"gpt-4o-mini\",\"max_tokens\":10,\"max_tokens\":100000}"},
            {"/v1/chat/completions", "max_completion_tokens",
                "{\"max_completion_tokens\":100000,\"model\":\"gpt-4o-mini\",\"max_completion_tokens\":10}"},
            {"/v1/responses", "max_output_tokens", "{\"model\":\"gpt-4o-mini\",\"max_output_tokens\":5,\"max_output_tokens\":5}"},
            {"/v1/messages", "max_tokens", "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":10,\"max_tokens\":1e5}"},
            {"/v1/chat/completions", "model", "{\"model\":\"gpt-4o-mini\",\"model\":\"gpt-4o\"}"},
            {"/v1/chat/completions", "stream", "{\"model\":\"gpt-4o-mini\",\"stream\":false,\"stream\":true}"},
        };
        for (String[] c : cases) {
            String what = c[0] + " " + c[2];
            int before = gateway.fake.requests().size();
            HttpResponse<String> r = send(capped, c[0], c[2]);

            assertThat(r.statusCode()).as(what + " -> " + r.body()).isEqualTo(400);
            assertThat(Http.json(r.body()).at("/error/message").asText()).as(what).contains("'" + c[1] + "'");
            assertThat(gateway.fake.requests()).as(what + ": nothing forwarded").hasSize(before);
        }
    }
}
