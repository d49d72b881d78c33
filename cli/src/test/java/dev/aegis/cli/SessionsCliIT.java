package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aegis keygen --session-tokens / --session-budget}: a key whose every session stops hard at its budget. */
class SessionsCliIT {

    @TempDir
    Path temp;

    @Test
    void aKeysSessionBudgetIsStoredShownAndEnforcedByTheDaemon() throws Exception {
        try (RunningDaemon daemon = new RunningDaemon(temp, null)) {
            JsonNode minted = Json.mapper().readTree(daemon.aegis("keygen", "--name", "agent", "--session-tokens", "60",
                    "--session-budget", "0.5", "--json").out());
            assertThat(minted.path("session_tokens").asLong()).isEqualTo(60);
            assertThat(minted.path("session_budget_usd").decimalValue()).isEqualByComparingTo("0.5");
            JsonNode shown = Json.mapper().readTree(daemon.aegis("keys", "show", minted.path("id").asText(), "--json").out());
            assertThat(shown.path("session_tokens").asLong()).isEqualTo(60);

            // 26 tokens a call, 9 counted up front: two calls fit in a session's 60, the third does not.
            String key = minted.path("key").asText();
            assertThat(call(daemon, key, "s-1")).isEqualTo(200);
            assertThat(call(daemon, key, "s-1")).isEqualTo(200);
            assertThat(call(daemon, key, "s-1")).isEqualTo(429);
            assertThat(call(daemon, key, "s-2")).isEqualTo(200);
            assertThat(call(daemon, daemon.key, "s-1")).isEqualTo(200);

            assertThat(daemon.aegis("keygen", "--name", "x", "--session-tokens", "0").err()).contains("must be positive");
            assertThat(daemon.aegis("keygen", "--name", "x", "--session-budget", "-1").err()).contains("is negative");
            assertThat(daemon.aegis("keygen", "--name", "x", "--session-budget", "0").err()).contains("must be more than zero");
        }
    }

    private static int call(RunningDaemon daemon, String key, String session) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(daemon.state().url() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header("x-claude-code-session-id", session)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"messages\":[]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        // a call is counted against its budgets before its answer completes: the next call sees it
        return r.statusCode();
    }
}
