package dev.aegis.usage;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.json.Json;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Reading usage objects out of provider JSON, tolerant of missing fields and non-JSON text. */
final class JsonUsage {

    private JsonUsage() {}

    private static final String USAGE_NAME = "\"usage\"";

    /**
     * Whether a streamed chunk may carry a usage object: some {@code "usage"} followed, past JSON
     * whitespace, by {@code :} and <code>{</code>. False for the chunks that only say {@code "usage":null}
     * (every chunk of an OpenAI stream that asked for usage), which then need no parse for it.
     */
    static boolean mayHoldUsageObject(String text) {
        for (int i = text.indexOf(USAGE_NAME); i >= 0; i = text.indexOf(USAGE_NAME, i + 1)) {
            int j = pastWhitespace(text, i + USAGE_NAME.length());
            if (j < text.length() && text.charAt(j) == ':') {
                j = pastWhitespace(text, j + 1);
                if (j < text.length() && text.charAt(j) == '{') {
                    return true;
                }
            }
        }
        return false;
    }

    private static int pastWhitespace(String text, int i) {
        while (i < text.length() && switch (text.charAt(i)) { case ' ', '\t', '\n', '\r' -> true; default -> false; }) {
            i++;
        }
        return i;
    }

    /**
     * A whole answer's body as a tree of only its top-level members {@code names}; the rest of the
     * body is read and checked but not built (the whole tree of a 639-byte chat completion was ≈ 1.7 KB
     * of the ≈ 43 KB of garbage a call made, on its path: its text, its choices). Null exactly when reading the
     * whole tree ({@code readTree}) fails: the body is not one JSON value (bytes after it are not read), a string in it is not
     * UTF-8 or not well escaped. An empty body is a missing node, as the whole tree of it is; so is
     * a value that is not an object. Of repeated members the last counts, as in the whole tree.
     */
    static JsonNode parseMembers(byte[] body, Set<String> names) {
        try (JsonParser p = Json.mapper().createParser(body)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return MissingNode.getInstance();
            }
            if (t != JsonToken.START_OBJECT) {
                check(p, t);
                return MissingNode.getInstance();
            }
            ObjectNode members = Json.mapper().createObjectNode();
            for (t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (names.contains(name)) {
                    JsonNode tree = p.readValueAsTree();
                    members.set(name, tree == null ? NullNode.getInstance() : tree);
                } else {
                    check(p, value);
                }
            }
            return members; // the parser refused anything but the object's end here
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Reads the value starting at {@code t} to its end, decoding every string as the tree would, building nothing. */
    private static void check(JsonParser p, JsonToken t) throws IOException {
        int depth = 0;
        while (true) {
            if (t == null) {
                throw new JsonEOFException(p, null, "the body ends inside a value");
            }
            switch (t) {
                case START_OBJECT, START_ARRAY -> depth++;
                case END_OBJECT, END_ARRAY -> depth--;
                case VALUE_STRING -> p.getTextLength();
                default -> { }
            }
            if (depth == 0) {
                return;
            }
            t = p.nextToken();
        }
    }

    /** The extractors' paths, compiled once each (the paths are constants in the code: a handful). */
    private static final Map<String, JsonPointer> POINTERS = new ConcurrentHashMap<>();

    static long count(JsonNode node, String path) {
        return count(node.at(POINTERS.computeIfAbsent(path, JsonPointer::compile)));
    }

    /** The count at {@code path} when the node gives it as a number; {@code known} when it is null or absent. */
    static long countOr(JsonNode node, String path, long known) {
        JsonNode n = node.at(POINTERS.computeIfAbsent(path, JsonPointer::compile));
        return n.isNumber() ? count(n) : known;
    }

    /** A number as a count: a fraction cut, a negative one 0, one past a long's range the most a count is taken as. */
    private static long count(JsonNode n) {
        if (n.canConvertToLong()) {
            return Math.max(0, n.asLong());
        }
        return n.isNumber() && n.decimalValue().signum() > 0 ? TokenUsage.MAX_COUNT : 0;
    }

    /**
     * OpenAI chat, legacy completions and embeddings: {@code prompt_tokens} with its cache reads and
     * writes ({@code cached_tokens}, {@code cache_write_tokens}: models that bill a cache write),
     * {@code completion_tokens}, and the audio parts of each ({@code audio_tokens}, an audio model's
     * spoken prompt or answer).
     */
    static TokenUsage openAiChat(JsonNode usage) {
        return new TokenUsage(count(usage, "/prompt_tokens"), count(usage, "/prompt_tokens_details/cached_tokens"),
                count(usage, "/prompt_tokens_details/cache_write_tokens"),
                count(usage, "/completion_tokens"), count(usage, "/completion_tokens_details/reasoning_tokens"),
                count(usage, "/prompt_tokens_details/audio_tokens"), count(usage, "/completion_tokens_details/audio_tokens"), 0);
    }

    /**
     * OpenAI Responses: {@code input_tokens} with {@code cached_tokens} and {@code cache_write_tokens},
     * {@code output_tokens} with {@code reasoning_tokens}.
     */
    static TokenUsage openAiResponses(JsonNode usage) {
        return new TokenUsage(count(usage, "/input_tokens"), count(usage, "/input_tokens_details/cached_tokens"),
                count(usage, "/input_tokens_details/cache_write_tokens"),
                count(usage, "/output_tokens"), count(usage, "/output_tokens_details/reasoning_tokens"));
    }
}
