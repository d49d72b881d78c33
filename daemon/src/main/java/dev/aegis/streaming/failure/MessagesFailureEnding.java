package dev.aegis.streaming.failure;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.json.Json;
import java.nio.charset.StandardCharsets;

/**
 * Anthropic Messages: an {@code error} event, exactly what the Messages API sends when it fails
 * mid-stream (an overloaded model, say); Claude Code and the SDKs raise it and retry.
 */
final class MessagesFailureEnding implements FailureEnding {

    @Override
    public byte[] ending(String message) {
        ObjectNode root = Json.mapper().createObjectNode().put("type", "error");
        root.putObject("error").put("type", "api_error").put("message", message);
        return ("event: error\ndata: " + root + "\n\n").getBytes(StandardCharsets.UTF_8);
    }
}
