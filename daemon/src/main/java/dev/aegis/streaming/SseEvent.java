package dev.aegis.streaming;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.json.Json;
import java.io.IOException;

/**
 * One server-sent event as it came over the wire, and its data read as JSON once for everyone who
 * reads it ({@link #json}): the usage extractor and a budget's cutoff both read every event of a
 * stream, and each parsed it (two trees per event, on the way to the client; the first event's are
 * on a stream's first byte).
 */
public final class SseEvent {

    private final byte[] raw;
    private final String event;
    private final String data;
    private JsonNode json;
    private boolean parsed;

    /**
     * @param raw the event's exact bytes, including its terminating blank line
     * @param event the {@code event:} field, or null
     * @param data the {@code data:} lines joined with newlines, or null when none
     */
    public SseEvent(byte[] raw, String event, String data) {
        this.raw = raw;
        this.event = event;
        this.data = data;
    }

    /** The event's exact bytes, including its terminating blank line. */
    public byte[] raw() {
        return raw;
    }

    /** The {@code event:} field, or null. */
    public String event() {
        return event;
    }

    /** The {@code data:} lines joined with newlines, or null when none. */
    public String data() {
        return data;
    }

    /**
     * The data as a JSON tree, or null when there is none or it is not JSON. Parsed on the first
     * call; readers must not change the tree (it is shared). An event is read on one thread (its
     * stream's), so this is not synchronised.
     */
    public JsonNode json() {
        if (!parsed) {
            parsed = true;
            try {
                json = data == null ? null : Json.mapper().readTree(data);
            } catch (IOException e) {
                json = null;
            }
        }
        return json;
    }
}
