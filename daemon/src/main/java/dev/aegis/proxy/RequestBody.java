package dev.aegis.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A request body as the client sent it, plus the few top-level fields Aegis reads.
 *
 * <p>Everything else stays byte for byte: when routing renames the model, or Aegis asks a chat
 * stream for its usage chunk, only those bytes are replaced or inserted.
 *
 * @param model the top-level {@code model}, or null when absent
 * @param stream the top-level {@code stream} flag
 * @param includeUsage {@code stream_options.include_usage} as the client sent it
 * @param model the byte span of the model string (quotes included), or {@link Span#NONE}
 * @param streamOptions the byte span of the {@code stream_options} value, or {@link Span#NONE}
 * @param bodyStart the offset of the opening brace
 * @param maxOutputTokens the client's output limit ({@code max_tokens}, {@code max_completion_tokens}
 *     or {@code max_output_tokens}), or null
 */
public record RequestBody(
        byte[] bytes,
        String model,
        boolean stream,
        boolean includeUsage,
        Span modelSpan,
        Span streamOptions,
        int bodyStart,
        Integer maxOutputTokens) {

    /** A byte range {@code [start, end)} of the body. */
    public record Span(int start, int end) {
        public static final Span NONE = new Span(-1, -1);

        boolean present() {
            return start >= 0;
        }
    }

    /** A body Aegis does not look into (pass-through routes). */
    public static RequestBody opaque(byte[] bytes) {
        return new RequestBody(bytes, null, false, false, Span.NONE, Span.NONE, -1, null);
    }

    /**
     * The bytes to send upstream: the model renamed when it differs, and (for chat streams where the
     * client did not ask) {@code stream_options.include_usage} set so the provider reports usage.
     */
    public byte[] forUpstream(String upstreamModel, boolean askForUsage) {
        boolean rename = upstreamModel != null && !upstreamModel.equals(model) && modelSpan.present();
        boolean addUsage = askForUsage && stream && !includeUsage && bodyStart >= 0;
        if (!rename && !addUsage) {
            return bytes;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 64);
        int pos = 0;
        if (addUsage && !streamOptions.present()) {
            pos = copy(out, pos, bodyStart + 1);
            write(out, "\"stream_options\":{\"include_usage\":true},");
        }
        if (addUsage && streamOptions.present() && (!rename || streamOptions.start() < modelSpan.start())) {
            pos = replace(out, pos, streamOptions, withIncludeUsage());
            addUsage = false;
        }
        if (rename) {
            pos = replace(out, pos, modelSpan, JsonStrings.quote(upstreamModel));
        }
        if (addUsage && streamOptions.present()) {
            pos = replace(out, pos, streamOptions, withIncludeUsage());
        }
        out.write(bytes, pos, bytes.length - pos);
        return out.toByteArray();
    }

    /** The client's {@code stream_options} object with {@code include_usage} set to true. */
    private String withIncludeUsage() {
        try {
            ObjectNode options = (ObjectNode) Json.mapper().readTree(
                    bytes, streamOptions.start(), streamOptions.end() - streamOptions.start());
            return options.put("include_usage", true).toString();
        } catch (IOException | ClassCastException e) {
            return "{\"include_usage\":true}";
        }
    }

    private int replace(ByteArrayOutputStream out, int pos, Span span, String replacement) {
        copy(out, pos, span.start());
        write(out, replacement);
        return span.end();
    }

    private int copy(ByteArrayOutputStream out, int from, int to) {
        out.write(bytes, from, to - from);
        return to;
    }

    private static void write(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
    }
}
