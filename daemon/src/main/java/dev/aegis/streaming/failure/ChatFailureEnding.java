package dev.aegis.streaming.failure;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.json.Json;
import java.nio.charset.StandardCharsets;

/**
 * Chat completions: a {@code data:} line holding an OpenAI error object and no {@code [DONE]}, the
 * way OpenAI itself reports a failure mid-stream; the official SDKs raise it as an API error.
 */
final class ChatFailureEnding implements FailureEnding {

    @Override
    public byte[] ending(String message) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.putObject("error").put("message", message).put("type", "server_error")
                .put("code", "upstream_unavailable").putNull("param");
        return ("data: " + root + "\n\n").getBytes(StandardCharsets.UTF_8);
    }
}
