package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import dev.aegis.keys.NewKey;
import dev.aegis.keys.SessionBudget;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28, item 2: a per-session token and USD budget ({@code governance.policy} {@code perSession},
 * or a key's own), enforced like the run budget: 429 once spent, output capped, streams ended cleanly.
 * A session is one key's: another key sending the same session id has a budget of its own.
 */
class SessionBudgetIT {

    @TempDir
    Path temp;

    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[]}";

    private static TestGateway governed(Path dir, String policy) throws Exception {
        return TestGateway.start(dir, null, Map.of("AEGIS_GOVERNANCE_ENABLED", "true", "AEGIS_DEFAULT_POLICY_JSON", policy));
    }

    private static HttpResponse<String> call(TestGateway g, String key, String session) throws Exception {
        HttpResponse<String> r = Http.send(Http.post(g.url() + "/v1/chat/completions", CHAT)
                .header("Authorization", "Bearer " + key).header("x-claude-code-session-id", session));
        // A call is counted against its budgets before its answer completes: the next call sees it.
        return r;
    }

    @Test
    void aSpentSessionIsRefusedOtherSessionsAndOtherKeysGoOn() throws Exception {
        try (TestGateway g = governed(temp, "{\"hardStop\": true, \"tokens\": {\"perSession\": 150}}")) {
            // Each call bills 26 tokens and its prompt counts 9 up front: six fit in 150, the seventh does not.
            for (int i = 0; i < 6; i++) {
                assertThat(call(g, g.clientKey, "s-x").statusCode()).as("call " + (i + 1)).isEqualTo(200);
            }
            HttpResponse<String> spent = call(g, g.clientKey, "s-x");
            assertThat(spent.statusCode()).isEqualTo(429);
            assertThat(Http.json(spent.body()).at("/error/code").asText()).isEqualTo("budget_exceeded");
            assertThat(Http.json(spent.body()).at("/error/message").asText()).contains("session token budget");
            assertThat(spent.headers().firstValue("Retry-After")).isPresent();
            assertThat(call(g, g.clientKey, "s-y").statusCode()).isEqualTo(200);
            // Another key cannot spend (nor is it stopped by) this key's session of the same name.
            String other = g.mintKey(new NewKey("other", "default", false, List.of(), null, null, null, null));
            assertThat(call(g, other, "s-x").statusCode()).isEqualTo(200);
            assertThat(call(g, g.clientKey, "s-x").statusCode()).isEqualTo(429);
        }
    }

    @Test
    void aSessionsSpendSurvivesARestart() throws Exception {
        String policy = "{\"hardStop\": true, \"tokens\": {\"perSession\": 60}, \"usd\": {\"perSession\": 1}}";
        Path home;
        String key;
        try (TestGateway g = governed(temp, policy)) {
            home = g.homeDir;
            key = g.clientKey;
            assertThat(call(g, key, "s-r").statusCode()).isEqualTo(200);
            assertThat(call(g, key, "s-r").statusCode()).isEqualTo(200);
            assertThat(call(g, key, "s-r").statusCode()).isEqualTo(429);
        }
        try (TestGateway again = TestGateway.startIn(home, null, Map.of("AEGIS_GOVERNANCE_ENABLED", "true",
                "AEGIS_DEFAULT_POLICY_JSON", policy))) {
            assertThat(call(again, key, "s-r").statusCode()).isEqualTo(429);
            assertThat(call(again, key, "s-other").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aStreamReachingTheSessionBudgetEndsWithFinishReasonLength() throws Exception {
        try (TestGateway g = governed(temp, "{\"hardStop\": true, \"tokens\": {\"perSession\": 150}}")) {
            g.fake.repeatText(30);
            OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(g.url() + "/v1").apiKey(g.clientKey)
                    .putHeader("x-claude-code-session-id", "s-stream").maxRetries(0).build();
            ChatStream read = ChatStream.read(client);
            client.close();
            assertThat(read.finishReasons()).containsExactly("length");
            assertThat(read.text().length()).isPositive().isLessThan(30 * "Hello from the fake provider.".length());
            assertThat(g.fake.requests().getLast().bodyText()).containsPattern("\"max_completion_tokens\":\\d+");
        }
    }

    @Test
    void aClaudeCodeSessionsStreamEndsWithMaxTokensForTheAnthropicSdk() throws Exception {
        try (TestGateway g = governed(temp, "{\"hardStop\": true, \"tokens\": {\"perSession\": 150}}")) {
            g.fake.repeatText(30);
            AnthropicClient client = AnthropicOkHttpClient.builder().baseUrl(g.url()).apiKey(g.clientKey)
                    .putHeader("x-claude-code-session-id", "claude-session").maxRetries(0).build();
            List<String> kinds = new ArrayList<>();
            try (com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(
                    MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(4096).addUserMessage("hi").build())) {
                stream.stream().forEach(e -> {
                    if (e.isMessageDelta()) {
                        kinds.add("stop_reason:" + e.asMessageDelta().delta().stopReason().orElseThrow().asString());
                    }
                    if (e.isMessageStop()) {
                        kinds.add("message_stop");
                    }
                });
            }
            client.close();
            assertThat(kinds).containsExactly("stop_reason:max_tokens", "message_stop");
            assertThat(g.fake.requests().getLast().bodyText()).doesNotContain("\"max_tokens\":4096");
        }
    }

    @Test
    void aSessionsUsdBudgetIsAHardStop() throws Exception {
        // A call costs $0.000005775: the budget of $0.00002 is spent within five calls.
        try (TestGateway g = governed(temp, "{\"hardStop\": true, \"usd\": {\"perSession\": 0.00002}}")) {
            int ok = 0;
            HttpResponse<String> last = null;
            for (int i = 0; i < 8 && (last == null || last.statusCode() == 200); i++) {
                last = call(g, g.clientKey, "s-usd");
                ok += last.statusCode() == 200 ? 1 : 0;
            }
            assertThat(last.statusCode()).isEqualTo(429);
            assertThat(Http.json(last.body()).at("/error/message").asText()).contains("session USD budget");
            assertThat(ok).isBetween(3, 4);
            assertThat(call(g, g.clientKey, "s-usd-2").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aSessionsUsdBudgetCountsACallAtTheDearerTierItAsksFor() throws Exception {
        try (TestGateway g = governed(temp, "{\"hardStop\": true, \"usd\": {\"perSession\": 0.001}}")) {
            String body = "{\"model\":\"gpt-5\",\"service_tier\":\"priority\",\"messages\":[]}";
            long prompt = body.length() / 4;
            HttpResponse<String> r = Http.send(Http.post(g.url() + "/v1/chat/completions", body)
                    .header("Authorization", "Bearer " + g.clientKey).header("x-claude-code-session-id", "s-priority"));
            assertThat(r.statusCode()).isEqualTo(200);
            // $0.001 less the prompt at gpt-5's priority $2.5 per M buys this much output at $20 per M
            // (at the standard $1.25 and $10 it would buy about twice as much).
            long output = (1_000_000 - prompt * 2500) / 20_000;
            assertThat(Http.json(g.fake.requests().getLast().bodyText()).path("max_completion_tokens").asLong())
                    .isEqualTo(output);
        }
    }

    @Test
    void aKeysOwnSessionBudgetStopsHardWithGovernanceOff() throws Exception {
        try (TestGateway g = TestGateway.start(temp)) {
            String tokensKey = g.mintKey(new NewKey("per-session", "default", false, List.of(), null, null, null, null,
                    null, null, null, false, new SessionBudget(60L, null)));
            // 26 tokens a call, 9 counted up front: two fit in 60, the third does not.
            assertThat(call(g, tokensKey, "k-1").statusCode()).isEqualTo(200);
            assertThat(call(g, tokensKey, "k-1").statusCode()).isEqualTo(200);
            assertThat(call(g, tokensKey, "k-1").statusCode()).isEqualTo(429);
            assertThat(call(g, tokensKey, "k-2").statusCode()).isEqualTo(200);

            String usdKey = g.mintKey(new NewKey("per-session-usd", "default", false, List.of(), null, null, null, null,
                    null, null, null, false, new SessionBudget(null, new BigDecimal("0.00001"))));
            assertThat(call(g, usdKey, "u-1").statusCode()).isEqualTo(200);
            int status = 200;
            for (int i = 0; i < 4 && status == 200; i++) {
                status = call(g, usdKey, "u-1").statusCode();
            }
            assertThat(status).isEqualTo(429);
        }
    }

    @Test
    void aKeysOwnSessionBudgetStopsEvenWhenATighterPolicyBudgetOnlyWarns() throws Exception {
        // The policy's session budget (1 token, warn only) is always the tightest; the key's own (60, hard) must still stop.
        try (TestGateway g = governed(temp, "{\"hardStop\": false, \"tokens\": {\"perSession\": 1}}")) {
            String key = g.mintKey(new NewKey("own-and-policy", "default", false, List.of(), null, null, null, null,
                    null, null, null, false, new SessionBudget(60L, null)));
            HttpResponse<String> first = call(g, key, "mixed-1");
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.headers().firstValue("X-Aegis-Budget-Warning")).isPresent();
            assertThat(call(g, key, "mixed-1").statusCode()).isEqualTo(200);
            HttpResponse<String> third = call(g, key, "mixed-1");
            assertThat(third.statusCode()).as(third.body()).isEqualTo(429);
            assertThat(third.body()).contains("budget_exceeded").contains("session token budget of session mixed-1");
        }
    }
}
