package dev.aegis.proxy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Edits to a body's bytes, applied by splicing: each replaces a byte range (or inserts at an empty
 * one) with new text, and every byte outside the edited ranges is copied as it came. This is how
 * Aegis changes a body it forwards without re-encoding it, so that key order, whitespace, number
 * spelling, string escapes and unknown fields reach the provider as the client wrote them (a
 * provider's prompt cache matches exact bytes). Ranges must not overlap.
 */
public final class ByteEdits {

    private record Edit(int start, int end, String text) {}

    private final List<Edit> edits = new ArrayList<>();

    /** Replaces the bytes {@code [start, end)} with the UTF-8 bytes of {@code text}. */
    public ByteEdits replace(int start, int end, String text) {
        edits.add(new Edit(start, end, text));
        return this;
    }

    /** Inserts {@code text} before the byte at {@code at}. */
    public ByteEdits insert(int at, String text) {
        return replace(at, at, text);
    }

    public boolean isEmpty() {
        return edits.isEmpty();
    }

    /** The bytes with every edit applied; the same array when there is none. */
    public byte[] applyTo(byte[] bytes) {
        if (edits.isEmpty()) {
            return bytes;
        }
        List<Edit> sorted = new ArrayList<>(edits);
        sorted.sort(Comparator.comparingInt(Edit::start));
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 96);
        int pos = 0;
        for (Edit e : sorted) {
            if (e.start() < pos) {
                throw new IllegalStateException("overlapping edits at byte " + e.start());
            }
            out.write(bytes, pos, e.start() - pos);
            byte[] text = e.text().getBytes(StandardCharsets.UTF_8);
            out.write(text, 0, text.length);
            pos = e.end();
        }
        out.write(bytes, pos, bytes.length - pos);
        return out.toByteArray();
    }
}
