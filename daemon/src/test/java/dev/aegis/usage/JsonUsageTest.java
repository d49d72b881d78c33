package dev.aegis.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Reading only the members a whole answer's usage needs answers as reading the whole tree does. */
class JsonUsageTest {

    private static final Set<String> NAMES = Set.of("type", "usage");

    private static final List<String> SEEDS = List.of(
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1763900000,\"model\":\"gpt-4o-mini\","
                    + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello \\u00e9\\n\\\"q\\\"\","
                    + "\"refusal\":null,\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":21,\"completion_tokens\":9,\"total_tokens\":30,"
                    + "\"prompt_tokens_details\":{\"cached_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":2}},"
                    + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp\"}",
            "{\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"h\u00e9llo \u4e16\u754c \ud83d\ude00\"}],"
                    + "\"usage\":{\"input_tokens\":10,\"cache_read_input_tokens\":3,\"output_tokens\":-1.5e3}}",
            "{\"usage\":{\"prompt_tokens\":1},\"usage\":{\"prompt_tokens\":123456789012345678901234567890}}",
            "{\"usage\":{\"prompt_tokens\":1},\"usage\":7,\"type\":null}",
            "[{\"usage\":{\"prompt_tokens\":1}}]", "\"usage\"", "42", "null", "", "   ", "{}", "{\"a\":[[],{}]} trailing",
            "{\"output\":[{\"type\":\"reasoning\",\"summary\":[]}],\"usage\":{\"input_tokens\":7,"
                    + "\"input_tokens_details\":{\"cached_tokens\":2},\"output_tokens\":9}}");

    /**
     * What a provider reports is normalised (an outside review): cache reads beyond the prompt, reasoning beyond
     * the output, a count beyond a long's range (was read as 0, so a still larger count billed nothing).
     */
    @Test
    void partsStayWithinTheirWholeAndHugeCountsAreCapped() throws IOException {
        TokenUsage chat = JsonUsage.openAiChat(Json.mapper().readTree("{\"prompt_tokens\":1000,\"completion_tokens\":10,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":5000,\"cache_write_tokens\":9},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":5000}}"));
        assertThat(chat).isEqualTo(new TokenUsage(1000, 1000, 0, 10, 10));
        TokenUsage responses = JsonUsage.openAiResponses(Json.mapper().readTree("{\"input_tokens\":100,"
                + "\"input_tokens_details\":{\"cached_tokens\":60,\"cache_write_tokens\":60},\"output_tokens\":5,"
                + "\"output_tokens_details\":{\"reasoning_tokens\":6}}"));
        assertThat(responses).isEqualTo(new TokenUsage(100, 60, 40, 5, 5));
        TokenUsage huge = JsonUsage.openAiChat(Json.mapper().readTree(
                "{\"prompt_tokens\":99999999999999999999999,\"completion_tokens\":1e30}"));
        assertThat(huge.input()).isEqualTo(TokenUsage.MAX_COUNT);
        assertThat(huge.output()).isEqualTo(TokenUsage.MAX_COUNT);
        assertThat(JsonUsage.openAiChat(Json.mapper().readTree("{\"prompt_tokens\":-99999999999999999999999}")).input())
                .isZero();
    }

    @Test
    void theMembersMatchTheWholeTreeOnManyMutatedBodies() {
        Random random = new Random(29);
        byte[] pieces = "{}[]\",:\\ u0aZ9-.eE\u00e9".getBytes(StandardCharsets.UTF_8);
        int checked = 0;
        int json = 0;
        for (String seed : SEEDS) {
            byte[] original = seed.getBytes(StandardCharsets.UTF_8);
            agree(original);
            for (int n = 0; n < 20_000; n++) {
                byte[] body = mutate(original, random, pieces);
                if (agree(body)) {
                    json++;
                }
                checked++;
            }
        }
        assertThat(checked).isEqualTo(SEEDS.size() * 20_000);
        assertThat(json).as("mutations that stay JSON").isGreaterThan(10_000);
    }

    /** True when the body is JSON; fails the test when the two readings differ. */
    private static boolean agree(byte[] body) {
        JsonNode whole = wholeTree(body);
        JsonNode members = JsonUsage.parseMembers(body, NAMES);
        String shown = new String(body, StandardCharsets.UTF_8);
        if (whole == null) {
            assertThat(members).as(shown).isNull();
            return false;
        }
        assertThat(members).as(shown).isNotNull();
        for (String name : NAMES) {
            assertThat(members.path(name)).as(name + " of " + shown).isEqualTo(whole.path(name));
        }
        return true;
    }

    /** The reading {@code parseMembers} replaced on the whole-answer path: the mapper's tree, null when it fails. */
    private static JsonNode wholeTree(byte[] body) {
        try {
            return Json.mapper().readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static byte[] mutate(byte[] original, Random random, byte[] pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(original.length + 8);
        int at = random.nextInt(original.length + 1);
        int kind = random.nextInt(5);
        out.write(original, 0, at);
        switch (kind) {
            case 0 -> out.write(pieces[random.nextInt(pieces.length)]); // insert
            case 1 -> at = Math.min(original.length, at + 1); // delete
            case 2 -> { // replace with a byte that breaks UTF-8 or is a control character
                out.write(random.nextBoolean() ? 0xC3 + random.nextInt(0x3D) : random.nextInt(0x20));
                at = Math.min(original.length, at + 1);
            }
            case 3 -> at = original.length - random.nextInt(Math.max(1, original.length - at + 1)); // cut or keep
            default -> { } // unchanged
        }
        out.write(original, at, original.length - at);
        return out.toByteArray();
    }

    @Test
    void aChunkIsParsedForUsageWheneverItHoldsAUsageObject() throws IOException {
        assertThat(JsonUsage.mayHoldUsageObject("{\"choices\":[],\"usage\":null}")).isFalse();
        assertThat(JsonUsage.mayHoldUsageObject("{\"choices\":[{\"delta\":{\"content\":\"say \\\"usage\\\":{\"}}]}")).isFalse();
        assertThat(JsonUsage.mayHoldUsageObject("{\"usage\" :\r\n\t {\"prompt_tokens\":1}}")).isTrue();
        assertThat(JsonUsage.mayHoldUsageObject("{\"a\":\"usage\",\"usage\":null,\"usage\":{}}")).isTrue();
        // No false negative: every text whose tree has a usage object at its top is let through.
        Random random = new Random(30);
        byte[] pieces = "{}\":\\ \t\nusage0".getBytes(StandardCharsets.UTF_8);
        int objects = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder(SEEDS.get(random.nextInt(SEEDS.size())));
            for (int m = random.nextInt(4); m > 0 && !text.isEmpty(); m--) {
                int at = random.nextInt(text.length());
                text.insert(at, (char) pieces[random.nextInt(pieces.length)]);
            }
            JsonNode tree;
            try {
                tree = Json.mapper().readTree(text.toString());
            } catch (IOException e) {
                continue;
            }
            if (tree != null && tree.path("usage").isObject()) {
                objects++;
                assertThat(JsonUsage.mayHoldUsageObject(text.toString())).as(text.toString()).isTrue();
            }
        }
        assertThat(objects).isGreaterThan(1_000);
    }
}
