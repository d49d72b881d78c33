package dev.aegis.receipts;

import dev.aegis.json.Json;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Canonical JSON for receipts: keys sorted at every level, no whitespace, UTF-8; numbers are whole
 * numbers and amounts are strings, so parsing a line and writing it again gives the same bytes.
 */
public final class CanonicalJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder(Json.factoryBuilder().build())
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .build();

    /** Room for a typical receipt line in characters, so its text is not copied as it grows. */
    private static final int LINE_CHARS = 1024;
    /** A line's text buffer larger than this (a receipt with a huge field) is not kept for the next line. */
    private static final int KEPT_CHARS = 64 * 1024;

    /**
     * Each thread's buffer for a line's text: the receipts writer writes every line through the
     * same one instead of a new {@code StringWriter} per line and a copy of its text as a String
     * (≈ 1.9 KB of garbage per call, issue 29).
     */
    private static final ThreadLocal<Chars> TEXT = ThreadLocal.withInitial(Chars::new);

    private CanonicalJson() {}

    public static byte[] bytes(Map<String, Object> value) {
        return write(value).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The canonical JSON of {@code value} with one more member, {@code name}, whose string value is
     * made from the canonical bytes of {@code value} alone (a receipt and its signature): the same
     * bytes as {@link #bytes} of {@code value} with the member put in. One streaming pass writes the
     * map without the member, noting where it would go; the member is then spliced in there. Keys
     * sorted at every level and no whitespace make the parts join byte for byte. Written with the
     * mapper's own character generator (so strings are escaped exactly as {@link #bytes} escapes them; its byte
     * generator would escape a surrogate pair where the text has the character's UTF-8 bytes) but not
     * through its map serializer, which copied every map into a new sorted map first (the receipts
     * writer spent ≈ 8 % of the daemon's samples here at 64 connections).
     *
     * @param value must not contain {@code name}
     * @param member makes the member's value from the bytes without it (a signature over them)
     */
    public static byte[] withMember(TreeMap<String, Object> value, String name, Function<byte[], String> member) {
        if (value.containsKey(name)) {
            throw new IllegalArgumentException("the receipt already has " + name);
        }
        return withMember(g -> writeMembers(g, value.headMap(name, false)), name,
                g -> writeMembers(g, value.tailMap(name, false)), member);
    }

    /** Writes members of an object (names and values), in key order, into a generator. */
    @FunctionalInterface
    public interface MemberWriter {
        void write(JsonGenerator g) throws IOException;
    }

    /**
     * {@link #withMember(TreeMap, String, Function)} for an object whose members are written by
     * code instead of held in a map (a receipt written straight from its call, {@code ReceiptMembers}):
     * {@code head} writes the members whose keys sort before {@code name}, {@code tail} those after
     * it, each in key order, with values as {@link #bytes} writes them.
     */
    public static byte[] withMember(MemberWriter head, String name, MemberWriter tail, Function<byte[], String> member) {
        Chars out = TEXT.get();
        int cut;
        byte[] without;
        int cutByte;
        try (JsonGenerator g = MAPPER.createGenerator(out)) {
            g.writeStartObject();
            head.write(g);
            g.flush();
            cut = out.length;
            tail.write(g);
            g.writeEndObject();
            g.flush();
            cutByte = out.encode(cut);
            without = out.encoded();
        } catch (IOException e) {
            throw new IllegalArgumentException("receipt fields must be plain JSON values", e);
        } finally {
            out.clear();
        }
        boolean before = cut > 1;
        boolean after = without.length - cutByte > 1;
        byte[] added = (string(name) + ":" + string(member.apply(without))).getBytes(StandardCharsets.UTF_8);
        // The member goes in at the cut, with the comma that joins it to its neighbours: spliced
        // into the bytes already made, rather than into the text and encoded a second time.
        byte[] line = new byte[without.length + added.length + (before || after ? 1 : 0)];
        System.arraycopy(without, 0, line, 0, cutByte);
        int at = cutByte;
        if (before) {
            line[at++] = ',';
        }
        System.arraycopy(added, 0, line, at, added.length);
        at += added.length;
        if (!before && after) {
            line[at++] = ',';
        }
        System.arraycopy(without, cutByte, line, at, without.length - cutByte);
        return line;
    }

    /**
     * {@code text[0, length)} in UTF-8 into {@code out} (cleared first; room for 3 bytes a char),
     * exactly as {@link String#getBytes} makes it (the JDK's encoder, a lone surrogate replaced by
     * '?'); returns the byte where char {@code cut} begins. Encoded in two steps, so {@code cut} must
     * not fall inside a surrogate pair (a member's boundary never does).
     */
    static int encodeUtf8(CharsetEncoder utf8, char[] text, int cut, int length, ByteBuffer out) {
        out.clear();
        utf8.reset();
        utf8.encode(CharBuffer.wrap(text, 0, cut), out, true);
        utf8.flush(out);
        int cutByte = out.position();
        utf8.reset();
        utf8.encode(CharBuffer.wrap(text, cut, length - cut), out, true);
        utf8.flush(out);
        return cutByte;
    }

    /** An encoder that makes what {@link String#getBytes} makes in UTF-8, lone surrogates included. */
    static CharsetEncoder utf8Encoder() {
        return StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
    }

    /**
     * A writer into a growable char array, reused line after line (no lock, unlike {@code StringWriter}),
     * with the encoder and byte buffer its text is encoded with.
     */
    private static final class Chars extends Writer {
        char[] chars = new char[LINE_CHARS];
        int length;
        private final CharsetEncoder utf8 = utf8Encoder();
        private ByteBuffer bytes = ByteBuffer.allocate(3 * LINE_CHARS);

        /** Encodes the text ({@link #encodeUtf8}); returns the byte where char {@code cut} begins. */
        int encode(int cut) {
            if (bytes.capacity() < 3 * length) {
                bytes = ByteBuffer.allocate(3 * length);
            }
            return encodeUtf8(utf8, chars, cut, length, bytes);
        }

        /** The bytes {@link #encode} made. */
        byte[] encoded() {
            return java.util.Arrays.copyOf(bytes.array(), bytes.position());
        }

        @Override
        public void write(char[] c, int off, int len) {
            room(len);
            System.arraycopy(c, off, chars, length, len);
            length += len;
        }

        @Override
        public void write(String s, int off, int len) {
            room(len);
            s.getChars(off, off + len, chars, length);
            length += len;
        }

        @Override
        public void write(int c) {
            room(1);
            chars[length++] = (char) c;
        }

        private void room(int more) {
            if (length + more > chars.length) {
                chars = java.util.Arrays.copyOf(chars, Math.max(length + more, 2 * chars.length));
            }
        }

        /** Empty for the next line; buffers a huge line grew are let go. */
        void clear() {
            length = 0;
            if (chars.length > KEPT_CHARS) {
                chars = new char[LINE_CHARS];
                bytes = ByteBuffer.allocate(3 * LINE_CHARS);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }

    /** A map's members in key order (a sorted map's own order; any other map is sorted first). */
    private static void writeMembers(JsonGenerator g, Map<?, ?> map) throws IOException {
        Map<?, ?> sorted = map instanceof SortedMap<?, ?> s && s.comparator() == null ? map : new TreeMap<>(map);
        for (Map.Entry<?, ?> e : sorted.entrySet()) {
            g.writeFieldName((String) e.getKey());
            writeValue(g, e.getValue());
        }
    }

    /** A value as {@link #bytes} writes it: strings, whole numbers, booleans, null and maps of them (keys sorted). */
    public static void writeValue(JsonGenerator g, Object v) throws IOException {
        switch (v) {
            case null -> g.writeNull();
            case String s -> g.writeString(s);
            case Long n -> g.writeNumber(n);
            case Integer n -> g.writeNumber(n);
            case Boolean b -> g.writeBoolean(b);
            case Map<?, ?> m -> {
                g.writeStartObject();
                writeMembers(g, m);
                g.writeEndObject();
            }
            default -> MAPPER.writeValue(g, v);
        }
    }

    /** A JSON string as the mapper writes it; printable ASCII without quotes or backslashes (names, signatures) needs no escaping. */
    private static String string(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return write(s);
            }
        }
        return '"' + s + '"';
    }

    private static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("receipt fields must be plain JSON values", e);
        }
    }

    /** Parses one receipt line; throws {@link JsonProcessingException} when it is not one JSON object. */
    public static TreeMap<String, Object> parse(String line) throws JsonProcessingException {
        return MAPPER.readValue(line, new TypeReference<TreeMap<String, Object>>() {});
    }
}
