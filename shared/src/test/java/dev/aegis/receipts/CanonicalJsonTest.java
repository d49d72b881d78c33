package dev.aegis.receipts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A member spliced into canonical JSON gives exactly the bytes of the map with it put in. */
class CanonicalJsonTest {

    private static TreeMap<String, Object> receiptLike() {
        TreeMap<String, Object> m = new TreeMap<>();
        m.put("cost_usd", "0.000001");
        m.put("id", "req-é-\u2603-\uD83D\uDE00 \"quoted\" \\ back");
        m.put("seq", 42L);
        m.put("prev", "ab".repeat(32));
        m.put("status", 200L);
        m.put("usage", Map.of("output", 5L, "input", 21L, "cached_input", 0L));
        m.put("secrets", Map.of());
        m.put("streamed", true);
        m.put("error", null);
        m.put("tenant", "default\u0000\u0001\b\t\n\f\r\u001f\u007f\u2028 </script>");
        m.put("count", 7);
        m.put("nested", Map.of("b", Map.of("y", "\u0002", "x", false), "a", 1));
        m.put("mcp", new TreeMap<>(Map.of("tool", "sig", "server", "status")));
        return m;
    }

    @Test
    void theSplicedMemberGivesTheBytesOfTheMapWithIt() {
        for (String name : List.of("sig", "aaa", "zzz", "seq0", "cost_usd0", "\u00e9t\u00e9")) {
            TreeMap<String, Object> m = receiptLike();
            List<byte[]> seen = new ArrayList<>();
            byte[] line = CanonicalJson.withMember(m, name, without -> {
                seen.add(without);
                return "value of " + name + " \"x\"";
            });
            byte[] without = CanonicalJson.bytes(m);
            assertThat(seen).singleElement().isEqualTo(without);
            TreeMap<String, Object> with = receiptLike();
            with.put(name, "value of " + name + " \"x\"");
            assertThat(new String(line, StandardCharsets.UTF_8)).as(name)
                    .isEqualTo(new String(CanonicalJson.bytes(with), StandardCharsets.UTF_8));
            assertThat(m).as("the map is not changed").doesNotContainKey(name);
        }
    }

    @Test
    void aMapWithNothingBeforeOrAfterTheMemberJoinsWithoutStrayCommas() {
        TreeMap<String, Object> empty = new TreeMap<>();
        assertThat(new String(CanonicalJson.withMember(empty, "sig", b -> new String(b, StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8)).isEqualTo("{\"sig\":\"{}\"}");
        TreeMap<String, Object> onlyBefore = new TreeMap<>(Map.of("a", 1L));
        assertThat(new String(CanonicalJson.withMember(onlyBefore, "sig", b -> "s"), StandardCharsets.UTF_8))
                .isEqualTo("{\"a\":1,\"sig\":\"s\"}");
        TreeMap<String, Object> onlyAfter = new TreeMap<>(Map.of("z", 1L));
        assertThat(new String(CanonicalJson.withMember(onlyAfter, "sig", b -> "s"), StandardCharsets.UTF_8))
                .isEqualTo("{\"sig\":\"s\",\"z\":1}");
    }

    @Test
    void aMapThatAlreadyHasTheMemberIsRefused() {
        TreeMap<String, Object> m = receiptLike();
        m.put("sig", "old");
        assertThatThrownBy(() -> CanonicalJson.withMember(m, "sig", b -> "new")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theTextIsCountedAndEncodedAsGetBytesDoes() {
        java.nio.charset.CharsetEncoder utf8 = CanonicalJson.utf8Encoder();
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(3 * 64);
        for (String text : List.of("", "ascii", "\u00e9t\u00e9", "\u2028x", "a\ud83d\ude00b", "lone \ud83d x", "lone \ude00",
                "\ud83d", "\ude00\ud83d", "\u007f\u0080\u07ff\u0800\uffff", "\udbff\udfff")) {
            char[] chars = text.toCharArray();
            for (int to = 0; to <= chars.length; to++) {
                String whole = text.substring(0, to);
                for (int cut = 0; cut <= to; cut++) {
                    if (cut > 0 && cut < to && Character.isHighSurrogate(chars[cut - 1]) && Character.isLowSurrogate(chars[cut])) {
                        continue; // a cut never splits a pair: it falls between members
                    }
                    int cutByte = CanonicalJson.encodeUtf8(utf8, chars, cut, to, out);
                    assertThat(cutByte).as(text + " cut at " + cut + " of " + to)
                            .isEqualTo(text.substring(0, cut).getBytes(StandardCharsets.UTF_8).length);
                    assertThat(java.util.Arrays.copyOf(out.array(), out.position())).as(text + " to " + to)
                            .isEqualTo(whole.getBytes(StandardCharsets.UTF_8));
                }
            }
        }
    }

    @Test
    void aHugeLineAndTheLinesAfterItComeOutWhole() {
        TreeMap<String, Object> huge = receiptLike();
        huge.put("body", "\u00e9x".repeat(100_000));
        TreeMap<String, Object> hugeWith = new TreeMap<>(huge);
        hugeWith.put("sig", "s");
        assertThat(CanonicalJson.withMember(huge, "sig", b -> "s")).isEqualTo(CanonicalJson.bytes(hugeWith));
        TreeMap<String, Object> small = receiptLike();
        TreeMap<String, Object> smallWith = receiptLike();
        smallWith.put("sig", "s");
        assertThat(CanonicalJson.withMember(small, "sig", b -> "s")).isEqualTo(CanonicalJson.bytes(smallWith));
    }

    @Test
    void aSplicedMemberAfterSurrogatesAndNonAsciiTextLandsBetweenMembers() {
        TreeMap<String, Object> m = new TreeMap<>();
        m.put("a", "emoji \ud83d\ude00 lone \ud83d and \u00e9");
        m.put("z", "after");
        byte[] line = CanonicalJson.withMember(m, "sig", b -> "s\"ig");
        TreeMap<String, Object> with = new TreeMap<>(m);
        with.put("sig", "s\"ig");
        assertThat(line).isEqualTo(CanonicalJson.bytes(with));
    }
}
