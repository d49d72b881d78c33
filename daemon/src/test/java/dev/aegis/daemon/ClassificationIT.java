package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.fakeprovider.FakeProvider;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** x-aegis-classification gates which providers may receive a call; fallback chains skip the others. */
class ClassificationIT {

    @TempDir
    Path temp;

    @Test
    void confidentialCallsSkipProvidersLimitedToInternal() throws Exception {
        try (FakeProvider local = FakeProvider.start();
                TestGateway g = TestGateway.start(temp, """
                        providers:
                          openai: { max_classification: internal }
                          local: { type: openai-compatible, base_url: "%s", max_classification: restricted }
                        models:
                          fast: [ { provider: openai, model: gpt-4o-mini }, { provider: local, model: llama3.2 } ]
                        """.formatted(local.baseUrl()), Map.of())) {
            HttpResponse<String> internal = Http.send(g.post("/v1/chat/completions", "{\"model\":\"fast\"}"));
            assertThat(internal.headers().firstValue("X-Aegis-Provider")).hasValue("openai");

            HttpResponse<String> confidential = Http.send(g.post("/v1/chat/completions", "{\"model\":\"fast\"}")
                    .header("x-aegis-classification", "confidential"));
            assertThat(confidential.statusCode()).isEqualTo(200);
            assertThat(confidential.headers().firstValue("X-Aegis-Provider")).hasValue("local");
            assertThat(g.fake.requests()).hasSize(1);

            HttpResponse<String> denied = Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o\"}")
                    .header("x-aegis-classification", "restricted"));
            assertThat(denied.statusCode()).isEqualTo(403);
            assertThat(Http.json(denied.body()).at("/error/code").asText()).isEqualTo("classification_denied");

            HttpResponse<String> bad = Http.send(g.post("/v1/chat/completions", "{\"model\":\"fast\"}")
                    .header("x-aegis-classification", "top-secret"));
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(g.fake.requests()).hasSize(1);
        }
    }

    @Test
    void aClientCanRaiseTheConfiguredClassificationButNotLowerIt() throws Exception {
        try (FakeProvider local = FakeProvider.start();
                TestGateway g = TestGateway.start(temp, """
                        security: { classification: { default: confidential } }
                        providers:
                          openai: { max_classification: internal }
                          local: { type: openai-compatible, base_url: "%s", max_classification: confidential }
                        models:
                          fast: [ { provider: openai, model: gpt-4o-mini }, { provider: local, model: llama3.2 } ]
                        """.formatted(local.baseUrl()), Map.of())) {
            for (String lower : new String[] {"public", "internal", "PUBLIC"}) {
                HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", "{\"model\":\"fast\"}")
                        .header("x-aegis-classification", lower));
                assertThat(r.statusCode()).as(lower).isEqualTo(200);
                assertThat(r.headers().firstValue("X-Aegis-Provider")).as(lower).hasValue("local");
            }
            assertThat(g.fake.requests()).as("the provider limited to internal").isEmpty();

            HttpResponse<String> raised = Http.send(g.post("/v1/chat/completions", "{\"model\":\"fast\"}")
                    .header("x-aegis-classification", "restricted"));
            assertThat(raised.statusCode()).isEqualTo(403);
            assertThat(Http.json(raised.body()).at("/error/code").asText()).isEqualTo("classification_denied");
        }
    }
}
