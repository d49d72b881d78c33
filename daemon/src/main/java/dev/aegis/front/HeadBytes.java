package dev.aegis.front;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** An answer head being encoded: header values sanitised as Jetty does (no line breaks, Latin-1 only). */
final class HeadBytes {

    private byte[] bytes = new byte[512];
    private int count;

    void raw(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, bytes, count, b.length);
        count += b.length;
    }

    void field(String name, String value) {
        ensure(name.length() + value.length() + 4);
        put(name);
        bytes[count++] = ':';
        bytes[count++] = ' ';
        put(value);
        bytes[count++] = '\r';
        bytes[count++] = '\n';
    }

    /** The head as encoded, not copied. */
    ByteBuffer buffer() {
        return ByteBuffer.wrap(bytes, 0, count);
    }

    private void put(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            bytes[count++] = c > 0xff ? (byte) '?' : c < 0x20 && c != '\t' || c == 0x7f ? (byte) ' ' : (byte) c;
        }
    }

    private void ensure(int more) {
        if (bytes.length - count < more) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, count + more));
        }
    }
}
