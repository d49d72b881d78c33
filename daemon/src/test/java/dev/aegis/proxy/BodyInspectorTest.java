package dev.aegis.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.http.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BodyInspectorTest {

    private static RequestBody inspect(String json) {
        return BodyInspector.inspect(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsModelAndStreamAtTopLevelOnly() {
        RequestBody b = inspect("{\"messages\":[{\"model\":\"inner\",\"stream\":true}],\"model\":\"gpt-4o\",\"stream\":true}");
        assertThat(b.model()).isEqualTo("gpt-4o");
        assertThat(b.stream()).isTrue();
        assertThat(inspect("{\"model\":\"m\"}").stream()).isFalse();
    }

    @Test
    void renamingTheModelTouchesNoOtherByte() {
        String json = "{ \"x\": \"é\\u00e9\",\n \"model\" :\"aegis-fast\" , \"y\":[1, 2] }";
        RequestBody b = inspect(json);

        assertThat(new String(b.forUpstream(new RequestBody.Changes("gpt-4o-mini", false, null, null)), StandardCharsets.UTF_8))
                .isEqualTo(json.replace("\"aegis-fast\"", "\"gpt-4o-mini\""));
        assertThat(b.forUpstream(new RequestBody.Changes("aegis-fast", false, null, null))).isSameAs(b.bytes());
        assertThat(new String(b.forUpstream(new RequestBody.Changes("a\"b", false, null, null)), StandardCharsets.UTF_8)).contains("\"model\" :\"a\\\"b\"");
    }

    @Test
    void escapedModelNamesAreDecoded() {
        RequestBody b = inspect("{\"model\":\"gpt\\u002d4o\"}");
        assertThat(b.model()).isEqualTo("gpt-4o");
        assertThat(new String(b.forUpstream(new RequestBody.Changes("x", false, null, null)), StandardCharsets.UTF_8)).isEqualTo("{\"model\":\"x\"}");
    }

    @Test
    void theAnswersACallAsksForAreReadFromNAndBestOfAtTopLevel() {
        assertThat(inspect("{\"model\":\"m\"}").choices()).isEqualTo(1);
        assertThat(inspect("{\"model\":\"m\",\"n\":4}").choices()).isEqualTo(4);
        assertThat(inspect("{\"model\":\"m\",\"n\":null}").choices()).isEqualTo(1);
        assertThat(inspect("{\"model\":\"m\",\"n\":2,\"best_of\":5}").choices()).as("best_of candidates are generated").isEqualTo(5);
        assertThat(inspect("{\"best_of\":1,\"n\":3}").choices()).isEqualTo(3);
        assertThat(inspect("{\"model\":\"m\",\"n\":3.0}").choices()).isEqualTo(3);
        assertThat(inspect("{\"model\":\"m\",\"n\":1e40}").choices()).isEqualTo(Integer.MAX_VALUE);
        assertThat(inspect("{\"messages\":[{\"n\":9}],\"model\":\"m\"}").choices()).as("top level only").isEqualTo(1);
        // A legacy completion answers each prompt of an array on its own (an array of token ids is one prompt).
        assertThat(inspect("{\"model\":\"m\",\"prompt\":[\"a\",\"b\",\"c\"],\"n\":2}").choices()).isEqualTo(6);
        assertThat(inspect("{\"model\":\"m\",\"prompt\":[[1,2],[3]],\"best_of\":3}").choices()).isEqualTo(6);
        assertThat(inspect("{\"model\":\"m\",\"prompt\":[1,2,3]}").choices()).isEqualTo(1);
        assertThat(inspect("{\"model\":\"m\",\"prompt\":\"abc\",\"n\":2}").choices()).isEqualTo(2);
        assertThat(inspect("{\"model\":\"m\",\"prompt\":[]}").choices()).isEqualTo(1);
        assertRefused("{\"prompt\":\"a\",\"prompt\":[\"a\",\"b\"]}");
        assertRefused("{\"n\":0}", "{\"n\":-2}", "{\"n\":2.5}", "{\"n\":\"3\"}", "{\"n\":true}",
                "{\"best_of\":[2]}", "{\"n\":2,\"n\":9}", "{\"best_of\":2,\"best_of\":9}");
    }

    @Test
    void aBackgroundResponseIsReadOnceAndOnlyAsABoolean() {
        assertThat(inspect("{\"model\":\"m\"}").background()).isFalse();
        assertThat(inspect("{\"model\":\"m\",\"background\":true}").background()).isTrue();
        assertThat(inspect("{\"model\":\"m\",\"background\":false}").background()).isFalse();
        assertThat(inspect("{\"model\":\"m\",\"background\":null}").background()).isFalse();
        assertThat(inspect("{\"input\":[{\"background\":true}],\"model\":\"m\"}").background()).as("top level only").isFalse();
        // A provider keeping the last of two values would start a background response Aegis did not see.
        assertRefused("{\"background\":false,\"background\":true}", "{\"background\":\"true\"}",
                "{\"background\":1}");
    }

    @Test
    void theServiceTierIsReadOnceAndOnlyAsAString() {
        assertThat(inspect("{\"model\":\"m\"}").serviceTier()).isNull();
        assertThat(inspect("{\"service_tier\":\"priority\",\"model\":\"m\"}").serviceTier()).isEqualTo("priority");
        assertThat(inspect("{\"service_tier\":null}").serviceTier()).isNull();
        assertThat(inspect("{\"metadata\":{\"service_tier\":\"priority\"}}").serviceTier()).as("top level only").isNull();
        // A provider keeping the last of two values would bill a tier Aegis did not estimate.
        assertRefused("{\"service_tier\":\"default\",\"service_tier\":\"priority\"}", "{\"service_tier\":1}",
                "{\"service_tier\":[\"priority\"]}");
    }

    @Test
    void fastModeIsAnySpeedButTheStandardOneReadOnce() {
        assertThat(inspect("{\"model\":\"m\"}").fastMode()).isFalse();
        assertThat(inspect("{\"speed\":\"fast\"}").fastMode()).isTrue();
        assertThat(inspect("{\"speed\":\"turbo\"}").fastMode()).as("an unknown speed may cost more").isTrue();
        assertThat(inspect("{\"speed\":\"standard\"}").fastMode()).isFalse();
        assertThat(inspect("{\"speed\":null}").fastMode()).isFalse();
        assertRefused("{\"speed\":\"standard\",\"speed\":\"fast\"}", "{\"speed\":true}");
    }

    @Test
    void aNumberTooLargeToReadIsRefusedLikeAnyOtherBadLimit() {
        // Found by RequestParsersFuzzTest: the exponent overflowed the decimal reader (a 500 before).
        assertRefused("{\"max_tokens\":2e10111111111}", "{\"n\":1e99999999999}",
                "{\"max_output_tokens\":-3e-10111111111}");
    }

    @Test
    void aBodyInAnotherEncodingThanUtf8IsRefused() {
        // JSON between systems is UTF-8 (RFC 8259 §8.1); the parser would read these too, with offsets in
        // characters where Aegis edits bytes.
        for (java.nio.charset.Charset cs : List.of(java.nio.charset.StandardCharsets.UTF_16BE,
                java.nio.charset.StandardCharsets.UTF_16LE, java.nio.charset.Charset.forName("UTF-32BE"),
                java.nio.charset.Charset.forName("UTF-32LE"), java.nio.charset.StandardCharsets.UTF_16)) {
            byte[] body = "{\"model\":\"gpt-4o-mini\",\"max_tokens\":10}".getBytes(cs);
            assertThatThrownBy(() -> BodyInspector.inspect(body)).as(cs.name()).isInstanceOfSatisfying(ApiException.class,
                    e -> assertThat(e.getMessage()).contains("UTF-8"));
        }
    }

    @Test
    void rejectsWhatIsNotOneJsonObject() {
        assertRefused("", "nope", "[]", "{\"model\":1}", "{\"a\":1", "{} []", "{\"stream\":1}",
                "{\"a\":" + "[".repeat(BodyInspector.MAX_NESTING + 5) + "}");
    }

    @Test
    void errorMessagesNeverQuoteTheBody() {
        assertThatThrownBy(() -> inspect("{\"a\": sk-proj-secretsecret}"))
                .isInstanceOf(ApiException.class)
                .message()
                .doesNotContain("sk-proj")
                .contains("line 1");
    }

    private static final List<String> CHAT = List.of("max_completion_tokens", "max_tokens");
    private static final List<String> RESPONSES = List.of("max_output_tokens");

    private static String upstream(RequestBody b, Integer cap, List<String> fields) {
        return new String(b.forUpstream(new RequestBody.Changes(null, false, cap, fields)), StandardCharsets.UTF_8);
    }

    /**
     * A capped Messages call keeps its thinking budget below max_tokens, as Anthropic requires (an outside review:
     * Claude Code's 31,999-token budget went upstream beside max_tokens 11,127).
     */
    @Test
    void aCappedMessagesCallsThinkingBudgetStaysBelowItsMaxTokens() {
        List<String> messages = List.of("max_tokens");
        String body = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":32000,\"thinking\": {\"type\":\"enabled\","
                + "\"budget_tokens\":31999},\"messages\":[]}";
        java.util.function.BiFunction<String, Integer, String> capped = (json, cap) -> new String(inspect(json).forUpstream(
                new RequestBody.Changes(null, false, cap, messages, true)), StandardCharsets.UTF_8);
        assertThat(capped.apply(body, 11127)).isEqualTo("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":11127,"
                + "\"thinking\": {\"type\":\"enabled\",\"budget_tokens\":11126},\"messages\":[]}");
        // Below Anthropic's least budget (1,024), the call cannot think: thinking is turned off.
        assertThat(capped.apply(body, 1000)).contains("\"max_tokens\":1000,\"thinking\": {\"type\":\"disabled\"},");
        // A budget already below the cap, a thinking object without one, or no cap: as sent.
        String low = body.replace("31999", "2000");
        assertThat(capped.apply(low, 11127)).contains("\"budget_tokens\":2000}");
        String adaptive = "{\"max_tokens\":32000,\"thinking\":{\"type\":\"adaptive\"}}";
        assertThat(capped.apply(adaptive, 500)).isEqualTo("{\"max_tokens\":500,\"thinking\":{\"type\":\"adaptive\"}}");
        assertThat(capped.apply(body, null)).isEqualTo(body);
        // Not a Messages body: left alone.
        assertThat(upstream(inspect(body), 11127, messages)).contains("\"budget_tokens\":31999");
        assertThatThrownBy(() -> inspect("{\"thinking\":{},\"thinking\":{}}")).isInstanceOf(ApiException.class);
    }

    @Test
    void outputLimitsInAnyNumericFormGoUpstreamAsOneIntegerWithinTheCap() {
        for (String v : new String[] {"100000", "1e5", "100000.0", "1.0E+5", "100000e0", "10000000000000000000"}) {
            RequestBody b = inspect("{\"max_tokens\":" + v + ",\"model\":\"m\"}");
            assertThat(b.maxOutputTokens(CHAT)).as(v).isEqualTo(v.length() > 10 ? Integer.MAX_VALUE : 100000);
            assertThat(upstream(b, 500, CHAT)).as(v).isEqualTo("{\"max_tokens\":500,\"model\":\"m\"}");
        }
        assertThat(upstream(inspect("{\"max_tokens\":1e5}"), null, CHAT)).isEqualTo("{\"max_tokens\":100000}");
        assertThat(upstream(inspect("{\"max_tokens\" : 0.0 }"), null, CHAT)).isEqualTo("{\"max_tokens\" : 0 }");
        RequestBody plain = inspect("{\"max_tokens\":100}");
        assertThat(plain.forUpstream(new RequestBody.Changes(null, false, 500, CHAT))).isSameAs(plain.bytes());
    }

    @Test
    void everyOutputLimitFieldIsCappedAndTheCapIsAddedOnlyWhenTheEndpointsFieldsAreAbsent() {
        RequestBody both = inspect("{\"max_tokens\":9000,\"max_completion_tokens\":null,\"model\":\"m\"}");
        assertThat(both.maxOutputTokens(CHAT)).isEqualTo(9000);
        assertThat(upstream(both, 500, CHAT))
                .isEqualTo("{\"max_tokens\":500,\"max_completion_tokens\":500,\"model\":\"m\"}");

        RequestBody chatField = inspect("{\"model\":\"m\",\"max_tokens\":10}");
        assertThat(chatField.maxOutputTokens(RESPONSES)).isNull();
        assertThat(upstream(chatField, 500, CHAT)).isEqualTo("{\"model\":\"m\",\"max_tokens\":10}");
        assertThat(upstream(chatField, 500, RESPONSES))
                .isEqualTo("{\"max_output_tokens\":500,\"model\":\"m\",\"max_tokens\":10}");
    }

    @Test
    void outputLimitsThatAreNotNonNegativeIntegersAreRefusedByName() {
        for (String v : new String[] {"\"100\"", "100.5", "1e-3", "-1", "-1.0", "-99999999999999999999", "true",
                "[1]", "{}"}) {
            for (String field : new String[] {"max_tokens", "max_completion_tokens", "max_output_tokens"}) {
                assertThatThrownBy(() -> inspect("{\"model\":\"m\",\"" + field + "\":" + v + "}")).as(field + v)
                        .isInstanceOfSatisfying(ApiException.class, e -> {
                            assertThat(e.status()).isEqualTo(400);
                            assertThat(e.code()).isEqualTo("invalid_request");
                            assertThat(e.getMessage()).contains("'" + field + "'");
                        });
            }
        }
    }

    @Test
    void fieldsAegisReadsAppearingTwiceAreRefused() {
        for (String field : new String[] {"model", "stream", "stream_options", "max_tokens", "max_completion_tokens",
                "max_output_tokens"}) {
            String value = field.equals("model") ? "\"m\"" : field.equals("stream") ? "true"
                    : field.equals("stream_options") ? "{}" : "10";
            assertThatThrownBy(() -> inspect("{\"" + field + "\":" + value + ",\"x\":1,\"" + field + "\":" + value + "}"))
                    .as(field).isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.getMessage()).contains("'" + field + "'");
                    });
        }
        // include_usage inside stream_options too (an outside review: a provider keeping the first of two would read false).
        assertThatThrownBy(() -> inspect("{\"stream\":true,\"stream_options\":{\"include_usage\":false,\"include_usage\":true}}"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage()).contains("include_usage"));
        // Only the top level counts; other fields may repeat as JSON allows.
        assertThat(inspect("{\"messages\":[{\"model\":1},{\"model\":2}],\"model\":\"m\",\"x\":1,\"x\":2}").model())
                .isEqualTo("m");
    }

    @Test
    void aNullStreamOptionsIsReplacedNotSentTwice() {
        // A provider that keeps the last of two members would read the client's null: no usage, no bill.
        RequestBody b = inspect("{\"model\":\"m\",\"stream\":true,\"stream_options\" : null,\"x\":1}");
        assertThat(new String(b.forUpstream(new RequestBody.Changes(null, true, null, null)), StandardCharsets.UTF_8))
                .isEqualTo("{\"model\":\"m\",\"stream\":true,\"stream_options\" : {\"include_usage\":true},\"x\":1}");
    }

    @Test
    void anIncludeUsageOfAnyTypeIsReplacedWhole() {
        for (String v : new String[] {"\"true\"", "\"a \\\" quote\"", "0", "1.5e3", "[true]", "{\"a\":[1]}"}) {
            RequestBody b = inspect("{\"stream\":true,\"stream_options\":{\"include_usage\":" + v + ",\"x\":2},\"model\":\"m\"}");
            assertThat(new String(b.forUpstream(new RequestBody.Changes(null, true, null, null)), StandardCharsets.UTF_8))
                    .as(v).isEqualTo("{\"stream\":true,\"stream_options\":{\"include_usage\":true,\"x\":2},\"model\":\"m\"}");
        }
    }

    @Test
    void streamOptionsThatAreNeitherAnObjectNorNullAreRefused() {
        for (String v : new String[] {"\"x\"", "1", "true", "[]", "[{\"include_usage\":true}]"}) {
            assertThatThrownBy(() -> inspect("{\"model\":\"m\",\"stream\":true,\"stream_options\":" + v + "}")).as(v)
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.getMessage()).contains("'stream_options'");
                    });
        }
    }

    @Test
    void storedContextIsWhatTheResponsesApiReadsFromTheProvider() {
        assertThat(inspect("{\"previous_response_id\":\"resp_1\"}").storedContext()).isTrue();
        assertThat(inspect("{\"conversation\":\"conv_1\"}").storedContext()).isTrue();
        assertThat(inspect("{\"conversation\":{\"id\":\"conv_1\"}}").storedContext()).isTrue();
        assertThat(inspect("{\"prompt\":{\"id\":\"pmpt_1\"}}").storedContext()).isTrue();
        assertThat(inspect("{\"previous_response_id\":null,\"prompt\":\"a legacy completion\"}").storedContext()).isFalse();
        assertThat(inspect("{\"input\":[{\"previous_response_id\":\"resp_1\"}]}").storedContext()).isFalse();
    }

    /** Each body is refused with 400. */
    private static void assertRefused(String... bodies) {
        for (String bad : bodies) {
            assertThatThrownBy(() -> inspect(bad)).as(bad).isInstanceOfSatisfying(ApiException.class,
                    e -> assertThat(e.status()).isEqualTo(400));
        }
    }
}
