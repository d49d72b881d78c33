package dev.aegis.streaming.cutoff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.streaming.SseEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The streaming reading of a chat chunk against the Jackson tree's reading it replaced. */
class ChatChunkFieldsTest {

    private static final String PROVIDER_CHUNK = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1763900000,\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"content\":\" word1\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}";

    @Test
    void aProvidersChunkIsReadWithoutATree() {
        ChatChunkFields fields = ChatChunkFields.read(PROVIDER_CHUNK);
        assertThat(fields).isEqualTo(new ChatChunkFields("chatcmpl-1", "gpt-4o-mini", 1763900000L, 2));
        assertThat(fields).isEqualTo(TreeReading.of(PROVIDER_CHUNK));
    }

    @Test
    void toolCallArgumentsCountAndAbsentFieldsStayAbsent() {
        String chunk = "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}},"
                + "{\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}},{\"delta\":{\"content\":\"\uD83D\uDE00\"}}]}";
        assertThat(ChatChunkFields.read(chunk)).isEqualTo(new ChatChunkFields(null, null, null, 2 + 1))
                .isEqualTo(TreeReading.of(chunk));
    }

    @Test
    void unusualFormsAreLeftToTheTree() {
        assertThat(ChatChunkFields.read("{\"choices\":[{\"delta\":{\"content\":\"a\",\"content\":null}}]}")).isNull();
        assertThat(ChatChunkFields.read("{\"id\":7,\"choices\":[]}")).isNull();
        assertThat(ChatChunkFields.read("{\"created\":\"1\"}")).isNull();
        assertThat(ChatChunkFields.read("{\"choices\":{\"0\":{\"delta\":{\"content\":\"a\"}}}}")).isNull();
        assertThat(ChatChunkFields.read("{\"choices\":[{\"delta\":{\"content\":\"a\"}}]")).isNull();
    }

    @Test
    void aFieldGivenTwiceCountsWithItsLastValue() {
        assertThat(ChatChunkFields.read("{\"id\":\"a\",\"choices\":[{\"delta\":{\"content\":\"a\",\"content\":\"bbbbb\"}}],\"id\":\"b\"}"))
                .isEqualTo(new ChatChunkFields("b", null, null, 2));
    }

    /** The cutoff counts an unusual chunk as the tree reads it: a number as content is text ("12345"). */
    @Test
    void theCutoffCountsAnUnusualChunkAsTheTreeDoes() {
        String data = "{\"choices\":[{\"delta\":{\"content\":123456789012}}]}";
        BudgetCutoff cutoff = BudgetCutoffs.chat(3);
        byte[] raw = ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
        assertThat(cutoff.relay(new SseEvent(raw, null, data), true)).isEqualTo(raw);
        assertThat(cutoff.ended()).isFalse();
        assertThat(new String(cutoff.relay(new SseEvent(raw, null, data), true), StandardCharsets.UTF_8))
                .contains("\"finish_reason\":\"length\"").endsWith("data: [DONE]\n\n");
    }

    @Test
    void generatedChunksReadAsTheTreeReadsThem() {
        Random random = new Random(29);
        int answered = 0;
        int rounds = 20_000;
        for (int i = 0; i < rounds; i++) {
            String chunk = new Generator(random).chunk();
            ChatChunkFields fields = ChatChunkFields.read(chunk);
            if (fields != null) {
                answered++;
                assertThat(fields).as(chunk).isEqualTo(TreeReading.of(chunk));
            }
        }
        assertThat(answered).as("chunks the streaming pass read itself").isBetween(rounds / 5, rounds * 9 / 10);
    }

    /** Chunks mostly of the providers' form, with odd types, repeated fields, junk and cuts mixed in. */
    private record Generator(Random random) {

        String chunk() {
            String chunk = object(List.of(
                    field("id", this::text), field("object", () -> "\"chat.completion.chunk\""),
                    field("created", this::number), field("model", this::text), field("choices", this::choices),
                    field("usage", this::any), field("system_fingerprint", this::text)));
            return switch (random.nextInt(20)) {
                case 0 -> chunk.substring(0, random.nextInt(chunk.length()));
                case 1 -> chunk + " " + any();
                case 2 -> " \n" + chunk + "\t";
                default -> chunk;
            };
        }

        private String choices() {
            return odd() ? any() : array(() -> odd() ? any() : object(List.of(
                    field("index", () -> "0"), field("delta", this::delta), field("logprobs", () -> "null"),
                    field("finish_reason", this::text))));
        }

        private String delta() {
            return odd() ? any() : object(List.of(
                    field("role", () -> "\"assistant\""), field("content", this::text), field("tool_calls", this::calls)));
        }

        private String calls() {
            return odd() ? any() : array(() -> odd() ? any() : object(List.of(
                    field("index", this::number), field("id", this::text), field("function", () -> odd() ? any()
                            : object(List.of(field("name", this::text), field("arguments", this::text)))))));
        }

        /** A field, sometimes left out and sometimes written twice (in a repeated list entry). */
        private Supplier<String> field(String name, Supplier<String> value) {
            return () -> switch (random.nextInt(12)) {
                case 0 -> "";
                case 1 -> "\"" + name + "\":" + value.get() + ",\"" + name + "\":" + value.get();
                default -> "\"" + name + "\":" + value.get();
            };
        }

        private String object(List<Supplier<String>> fields) {
            List<String> parts = new ArrayList<>();
            for (Supplier<String> f : fields) {
                String part = f.get();
                if (!part.isEmpty()) {
                    parts.add(part);
                }
            }
            Collections.shuffle(parts, random);
            return "{" + String.join(random.nextBoolean() ? "," : " , ", parts) + "}";
        }

        private String array(Supplier<String> element) {
            List<String> parts = new ArrayList<>();
            for (int n = random.nextInt(4); n > 0; n--) {
                parts.add(element.get());
            }
            return "[" + String.join(",", parts) + "]";
        }

        private boolean odd() {
            return random.nextInt(10) == 0;
        }

        private String text() {
            if (odd()) {
                return any();
            }
            String[] pieces = {"", "a", " word", "\\n", "\\\"", "\\u00e9", "\uD83D\uDE00", "\\uD83D\\uDE00", "é", "{", "]"};
            StringBuilder sb = new StringBuilder("\"");
            for (int n = random.nextInt(6); n > 0; n--) {
                sb.append(pieces[random.nextInt(pieces.length)]);
            }
            return sb.append('"').toString();
        }

        private String number() {
            if (odd()) {
                return any();
            }
            return switch (random.nextInt(5)) {
                case 0 -> "0";
                case 1 -> "-17";
                case 2 -> "1763900000";
                case 3 -> "9223372036854775807";
                default -> String.valueOf(random.nextLong());
            };
        }

        private String any() {
            String[] values = {"null", "true", "false", "1", "-2.5", "1e3", "18446744073709551616", "\"s\"", "\"12\"",
                    "[]", "{}", "[1,{\"a\":[]}]", "{\"content\":\"x\",\"delta\":{\"content\":\"y\"}}", "\"\""};
            return values[random.nextInt(values.length)];
        }
    }
}
