package dev.aegis.security;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.aegis.json.Json;
import dev.aegis.proxy.ByteEdits;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Redacts a JSON body (one value, or several as JSON lines) in place: each string, value or object
 * key, that holds a secret is replaced by its redacted text (written with JSON's plain escaping),
 * and every other byte stays as the client sent it (key order, whitespace, number spelling, the
 * escapes of other strings, unknown fields), so the provider's prompt cache still matches the rest.
 *
 * <p>A redacted key is numbered ({@code [REDACTED:<kind>]#2}, ...) when its object already has a
 * member of that name, so the object keeps every member.
 */
final class RedactedJson {

    /** The body was checked once (nesting, number sizes); a string in it may be as long as the inspector allows. */
    private static final JsonFactory FACTORY = Json.factoryBuilder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
            .build();

    private RedactedJson() {}

    /** A key of an object that holds a secret: where it is and what it becomes. */
    private record RenamedKey(int start, int end, String name) {}

    /** The keys of one object, as sent, and those to rename once all are known. */
    private static final class ObjectKeys {
        final Set<String> names = new HashSet<>();
        final List<RenamedKey> renamed = new ArrayList<>();

        void renameInto(ByteEdits edits) {
            Set<String> taken = new HashSet<>(names);
            for (RenamedKey k : renamed) {
                String name = k.name();
                for (int n = 2; taken.contains(name); n++) {
                    name = k.name() + "#" + n;
                }
                taken.add(name);
                edits.replace(k.start(), k.end(), quote(name));
            }
        }
    }

    /**
     * The body with its secrets redacted.
     *
     * @param redact a string's text with its secrets replaced, or null when it holds none
     */
    static byte[] redact(byte[] body, UnaryOperator<String> redact) {
        ByteEdits edits = new ByteEdits();
        Deque<ObjectKeys> objects = new ArrayDeque<>();
        try (JsonParser p = FACTORY.createParser(body)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                switch (t) {
                    case START_OBJECT -> objects.push(new ObjectKeys());
                    case END_OBJECT -> objects.pop().renameInto(edits);
                    case FIELD_NAME -> {
                        String name = p.currentName();
                        ObjectKeys keys = objects.element();
                        keys.names.add(name);
                        String redacted = redact.apply(name);
                        if (redacted != null) {
                            int start = start(body, p);
                            keys.renamed.add(new RenamedKey(start, stringEnd(body, start), redacted));
                        }
                    }
                    case VALUE_STRING -> {
                        String redacted = redact.apply(p.getText());
                        if (redacted != null) {
                            int start = start(body, p);
                            edits.replace(start, stringEnd(body, start), quote(redacted));
                        }
                    }
                    default -> { }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("a body read as JSON once failed to parse again", e);
        }
        return edits.applyTo(body);
    }

    /** The offset of the opening quote of the current string token. */
    private static int start(byte[] body, JsonParser p) {
        int start = (int) p.currentTokenLocation().getByteOffset();
        if (start < 0 || start >= body.length || body[start] != '"') {
            throw new IllegalStateException("no string starts at byte " + start);
        }
        return start;
    }

    /** The offset just past the closing quote of the string that opens at {@code start}. */
    private static int stringEnd(byte[] body, int start) {
        for (int i = start + 1; i < body.length; i++) {
            if (body[i] == '\\') {
                i++;
            } else if (body[i] == '"') {
                return i + 1;
            }
        }
        throw new IllegalStateException("unterminated string at byte " + start);
    }

    private static String quote(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }
}
