package dev.aegis.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.json.Json;
import org.junit.jupiter.api.Test;

class CallLineTest {

    private static JsonNode event(String session) throws Exception {
        String s = session == null ? "null" : Json.mapper().writeValueAsString(session);
        return Json.mapper().readTree("""
                {"ts":"2026-12-04T16:13:43.123Z","key_id":"5wtanacypnwz","key_name":"dev","session":%s,
                 "model":"gpt-4o-mini","provider":"openai","status":200,"latency_ms":7.2,
                 "input_tokens":21,"output_tokens":9,"cost_usd":0.00000855,"error":null}""".formatted(s));
    }

    @Test
    void showsTheCodingAgentSessionBesideTheKey() throws Exception {
        String line = new CallLine(160, false).format(event("sess-a"));
        assertThat(line).matches("16:13:43  5wtanacypnwz dev +sess-a +gpt-4o-mini +openai +200 .*");
    }

    @Test
    void aCallWithoutASessionShowsADash() throws Exception {
        assertThat(new CallLine(160, false).format(event(null))).matches("16:13:43  5wtanacypnwz dev +- +gpt-4o-mini .*");
    }

    @Test
    void aLongOrHostileSessionIsCutAndEscaped() throws Exception {
        String line = new CallLine(160, false).format(event("0123456789abcdefghij\u001b[2J"));
        assertThat(line).contains("0123456789abc…").doesNotContain("\u001b");
    }

    @Test
    void aWideSessionTakesItsColumnsSoTheStatusStaysInPlace() throws Exception {
        String plain = new CallLine(160, false).format(event("sess-a"));
        String wide = new CallLine(160, false).format(event("漢字漢字漢字漢字漢字"));
        assertThat(TerminalText.width(wide.substring(0, wide.indexOf(" 200 "))))
                .as("the status column starts where it does for a narrow session").isEqualTo(plain.indexOf(" 200 "));
        assertThat(wide).contains("漢字漢字漢字…");
        String narrowTerminal = new CallLine(80, false).format(event("s"));
        assertThat(TerminalText.width(narrowTerminal)).isLessThanOrEqualTo(80);
    }

    @Test
    void onAnEightyColumnTerminalARefusalShowsItsReason() throws Exception {
        JsonNode refused = Json.mapper().readTree("{\"ts\":\"2026-12-04T16:13:43.123Z\",\"key_id\":\"5wtanacypnwz\","
                + "\"key_name\":\"dev\",\"session\":null,\"model\":\"gpt-4o-mini\",\"provider\":\"openai\",\"status\":403,"
                + "\"latency_ms\":1.2,\"input_tokens\":0,\"output_tokens\":0,\"cost_usd\":0,\"error\":\"secret_detected\"}");
        String line = new CallLine(80, false).format(refused);
        assertThat(line).contains(" 403 ").contains("secret_detected");
        assertThat(TerminalText.width(line)).isLessThanOrEqualTo(80);
    }

    @Test
    void onAnEightyColumnTerminalTheStatusTokensAndCostStayInView() throws Exception {
        String line = new CallLine(80, false).format(event("sess-a"));
        assertThat(line).hasSizeLessThanOrEqualTo(80).matches("16:13:43  5wtanacypnw… +gpt-4o-mini +200 +7ms +21→9 +\\$0\\.00000855.*")
                .doesNotContain("sess-a").doesNotContain("openai");
    }
}
