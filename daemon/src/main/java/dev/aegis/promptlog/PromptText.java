package dev.aegis.promptlog;

import dev.aegis.json.Json;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Set;

/**
 * The text of a prompt or an answer: the string values of the fields that carry what people and
 * models wrote, in document order, whatever the protocol — nothing else (no ids, roles, model
 * names, tool schemas, images or numbers). One streaming pass, stopping once enough is collected.
 */
final class PromptText {

    /**
     * Prompt text: chat {@code messages[].content} (strings or parts' {@code text}), Responses
     * {@code instructions}, {@code input} and {@code function_call_output.output}, Anthropic
     * {@code system} and {@code messages[].content} ({@code text}, {@code tool_result}), legacy
     * {@code prompt}, embeddings {@code input}.
     */
    static final Set<String> PROMPT_FIELDS = Set.of("content", "text", "input", "prompt", "instructions", "system", "output");

    /**
     * Answer text: chat {@code choices[].message.content} and stream {@code delta.content}, legacy
     * {@code choices[].text}, Responses {@code output[].content[].text}, Anthropic {@code content[].text}
     * and stream {@code delta.text}; an error's {@code message}.
     */
    static final Set<String> ANSWER_FIELDS = Set.of("content", "text", "message");

    private static final JsonFactory FACTORY = Json.factoryBuilder().build();

    private PromptText() {}

    /** Adds the strings of {@code json} found under {@code fields} to {@code out}; JSON that does not parse adds what came before. */
    static void collect(byte[] json, Set<String> fields, PreviewText out, String separator) {
        try (JsonParser p = FACTORY.createParser(json)) {
            collect(p, fields, out, separator);
        } catch (IOException e) {
            // Not JSON (or cut short): keep what was read.
        }
    }

    static void collect(String json, Set<String> fields, PreviewText out, String separator) {
        try (JsonParser p = FACTORY.createParser(json)) {
            collect(p, fields, out, separator);
        } catch (IOException e) {
            // Not JSON (or cut short): keep what was read.
        }
    }

    private static void collect(JsonParser p, Set<String> fields, PreviewText out, String separator) throws IOException {
        JsonToken t;
        while (!out.full() && (t = p.nextToken()) != null) {
            if (t == JsonToken.VALUE_STRING && fields.contains(fieldOf(p.getParsingContext()))) {
                out.append(p.getText(), separator);
            }
        }
    }

    /** The field a value belongs to: its own name, or for array elements the name of the array. */
    private static String fieldOf(JsonStreamContext ctx) {
        while (ctx != null && ctx.inArray()) {
            ctx = ctx.getParent();
        }
        return ctx == null ? null : ctx.getCurrentName();
    }
}
