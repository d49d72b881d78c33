package dev.aegis.streaming;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a byte stream into server-sent events at blank lines ({@code \n\n}, {@code \r\n\r\n},
 * {@code \r\r}), keeping each event's exact bytes so forwarding stays byte for byte. Fed chunk by
 * chunk as bytes arrive; an event split across chunks is held until its end arrives.
 */
public final class SseEventSplitter {

    /** Larger events than this are passed on in pieces rather than held without bound. */
    static final int MAX_EVENT_BYTES = 8 * 1024 * 1024;

    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private int lastByte = -1;
    private int secondLastByte = -1;

    /** The events completed by this chunk, in order. */
    public List<SseEvent> feed(byte[] buf, int off, int len) {
        List<SseEvent> out = new ArrayList<>();
        int start = off;
        for (int i = off; i < off + len; i++) {
            int b = buf[i] & 0xff;
            boolean end = b == '\n' && (lastByte == '\n' || (lastByte == '\r' && secondLastByte == '\n'))
                    || b == '\r' && lastByte == '\r';
            secondLastByte = lastByte;
            lastByte = b;
            if (end) {
                pending.write(buf, start, i + 1 - start);
                start = i + 1;
                out.add(parse(pending.toByteArray()));
                pending.reset();
                lastByte = -1;
                secondLastByte = -1;
            }
        }
        pending.write(buf, start, off + len - start);
        if (pending.size() > MAX_EVENT_BYTES) {
            out.add(new SseEvent(pending.toByteArray(), null, null));
            pending.reset();
        }
        return out;
    }

    /** True when bytes of an unfinished event are waiting for the rest of it. */
    public boolean midEvent() {
        return pending.size() > 0;
    }

    /** Bytes of an event that never finished (the stream ended mid-event); empty when none. */
    public byte[] remainder() {
        byte[] rest = pending.toByteArray();
        pending.reset();
        return rest;
    }

    static SseEvent parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.UTF_8);
        String event = null;
        StringBuilder data = null;
        for (int at = 0, end; at < text.length(); at = next(text, end)) {
            end = lineEnd(text, at);
            String line = text.substring(at, end);
            if (line.startsWith("event:")) {
                event = value(line, 6);
            } else if (line.startsWith("data:")) {
                if (data == null) {
                    data = new StringBuilder();
                } else {
                    data.append('\n');
                }
                data.append(value(line, 5));
            }
        }
        return new SseEvent(raw, event, data == null ? null : data.toString());
    }

    /** Where the line starting at {@code from} ends (its CR, LF or the text's end). */
    private static int lineEnd(String text, int from) {
        int i = from;
        while (i < text.length() && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
            i++;
        }
        return i;
    }

    /** Where the next line starts after a line ending at {@code end} (CRLF, CR or LF). */
    private static int next(String text, int end) {
        if (end < text.length() && text.charAt(end) == '\r' && end + 1 < text.length() && text.charAt(end + 1) == '\n') {
            return end + 2;
        }
        return end + 1;
    }

    private static String value(String line, int from) {
        return line.length() > from && line.charAt(from) == ' ' ? line.substring(from + 1) : line.substring(from);
    }
}
