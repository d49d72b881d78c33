package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CORS: configured origins or mirror; preflight answered; others get no CORS headers. */
class CorsIT {

    @TempDir
    Path temp;

    private static HttpResponse<String> preflight(TestGateway g, String origin) throws Exception {
        return Http.send(HttpRequest.newBuilder(URI.create(g.url() + "/v1/chat/completions"))
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    }

    @Test
    void configuredOriginsOnly() throws Exception {
        try (TestGateway g = TestGateway.start(temp, "server: { cors: { allowed_origins: [\"http://localhost:3000\"] } }",
                Map.of())) {
            HttpResponse<String> ok = preflight(g, "http://localhost:3000");
            assertThat(ok.statusCode()).isEqualTo(204);
            assertThat(ok.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://localhost:3000");
            assertThat(ok.headers().firstValue("Access-Control-Allow-Headers")).hasValue("authorization, content-type");

            assertThat(preflight(g, "https://evil.example").statusCode()).isEqualTo(403);
            HttpResponse<String> call = Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}")
                    .header("Origin", "http://localhost:3000"));
            assertThat(call.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://localhost:3000");
            assertThat(call.headers().firstValue("Access-Control-Expose-Headers")).hasValueSatisfying(
                    v -> assertThat(v).contains("X-Cost-USD"));
            HttpResponse<String> other = Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}")
                    .header("Origin", "https://evil.example"));
            assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        }
    }

    @Test
    void mirrorEchoesAnyOrigin() throws Exception {
        try (TestGateway g = TestGateway.start(temp, "server: { cors: { allowed_origins: mirror } }", Map.of())) {
            assertThat(preflight(g, "https://app.example").headers().firstValue("Access-Control-Allow-Origin"))
                    .hasValue("https://app.example");
        }
    }

    @Test
    void noCorsByDefault() throws Exception {
        try (TestGateway g = TestGateway.start(temp)) {
            assertThat(preflight(g, "http://localhost:3000").statusCode()).isEqualTo(403);
        }
    }
}
