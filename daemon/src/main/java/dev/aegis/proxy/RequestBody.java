package dev.aegis.proxy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A request body as the client sent it, plus the few top-level fields Aegis reads.
 *
 * <p>Everything else stays byte for byte: when routing renames the model (an alias, a
 * {@code provider/model} name), only the bytes of the model string are replaced.
 *
 * @param model the top-level {@code model}, or null when absent
 * @param stream the top-level {@code stream} flag
 * @param modelStart byte offset of the model string's opening quote, or -1
 * @param modelEnd byte offset just past its closing quote, or -1
 */
public record RequestBody(byte[] bytes, String model, boolean stream, int modelStart, int modelEnd) {

    /** A body Aegis does not look into (pass-through routes). */
    public static RequestBody opaque(byte[] bytes) {
        return new RequestBody(bytes, null, false, -1, -1);
    }

    /** The bytes to send upstream for this model: unchanged when the name is the same. */
    public byte[] withModel(String upstreamModel) {
        if (upstreamModel == null || upstreamModel.equals(model) || modelStart < 0) {
            return bytes;
        }
        byte[] replacement = JsonStrings.quote(upstreamModel).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + replacement.length);
        out.write(bytes, 0, modelStart);
        out.write(replacement, 0, replacement.length);
        out.write(bytes, modelEnd, bytes.length - modelEnd);
        return out.toByteArray();
    }
}
