package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon reloads its config file: valid edits apply within 2 s, invalid ones are refused. */
class ReloadIT {

    @TempDir
    Path temp;

    private static int status(TestGateway g, String model) throws Exception {
        return Http.send(g.post("/v1/chat/completions", "{\"model\":\"" + model + "\"}")).statusCode();
    }

    @Test
    void addedAliasWorksWithinTwoSecondsAndAnInvalidEditKeepsTheOldConfig() throws Exception {
        try (TestGateway g = TestGateway.start(temp, "default_provider: none\n", Map.of())) {
            Path config = g.homeDir.resolve("aegis.yaml");
            assertThat(status(g, "fast")).isEqualTo(404);

            Files.writeString(config, """
                    default_provider: none
                    models:
                      fast: [ { provider: openai, model: gpt-4o-mini } ]
                    """);
            assertThat(Poll.within(2000, () -> status(g, "fast") == 200)).as("alias live within 2 s").isTrue();
            assertThat(Http.json(Http.get(g.url() + "/aegis/v1/status", "application/json").body())
                    .path("config_reloads").asLong()).isEqualTo(1);
            assertThat(g.fake.requests().getLast().bodyText()).isEqualTo("{\"model\":\"gpt-4o-mini\"}");

            Files.writeString(config, "default_provider: none\nmodels: { fast: [ { provider: ghost, model: x } ] }\nserver: [\n");
            assertThat(Poll.within(2000, () -> Http.json(Http.get(g.url() + "/aegis/v1/status", "application/json").body())
                    .path("config_rejected").asLong() == 1)).as("the edit is refused").isTrue();
            assertThat(status(g, "fast")).isEqualTo(200);
            assertThat(g.fake.requests().getLast().bodyText()).isEqualTo("{\"model\":\"gpt-4o-mini\"}");
        }
    }

    @Test
    void aCallInFlightDuringTheSwapCompletes() throws Exception {
        try (TestGateway g = TestGateway.start(temp, "models: { fast: [ { provider: openai, model: gpt-4o-mini } ] }\n",
                Map.of())) {
            g.fake.holdStreamsAfterFirstEvent();
            HttpResponse<InputStream> stream = Http.open(g.post("/v1/chat/completions",
                    "{\"model\":\"fast\",\"stream\":true}"));
            assertThat(Http.readEvent(stream.body())).startsWith("data: ");

            Files.writeString(g.homeDir.resolve("aegis.yaml"), "default_provider: none\n");
            assertThat(Poll.within(2000, () -> status(g, "fast") == 404)).as("the alias is gone after the reload").isTrue();

            g.fake.releaseStreams();
            assertThat(new String(stream.body().readAllBytes(), StandardCharsets.UTF_8)).endsWith("data: [DONE]\n\n");
        }
    }
}
