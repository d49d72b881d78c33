package dev.aegis.streaming.failure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.json.Json;
import dev.aegis.streaming.SseEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Responses API: {@code response.failed} carrying the response that {@code response.created}
 * announced, with {@code status: "failed"} and an error; Codex reports it and retries the turn.
 * Only the {@code response.created} event and the last event are kept as they pass; they are parsed
 * when the ending is built.
 */
final class ResponsesFailureEnding implements FailureEnding {

    private String created;
    private String last;

    @Override
    public void observe(SseEvent event) {
        if (created == null && "response.created".equals(event.event())) {
            created = event.data();
        }
        if (event.data() != null) {
            last = event.data();
        }
    }

    @Override
    public byte[] ending(String message) {
        ObjectNode response = Json.mapper().createObjectNode();
        JsonNode announced = parse(created).path("response");
        if (announced.isObject()) {
            response.setAll((ObjectNode) announced);
        } else {
            response.put("id", "resp_aegis").put("object", "response");
        }
        response.put("status", "failed");
        response.putObject("error").put("code", "server_error").put("message", message);
        response.putArray("output");
        ObjectNode failed = Json.mapper().createObjectNode().put("type", "response.failed")
                .put("sequence_number", parse(last).path("sequence_number").asLong(-1) + 1);
        failed.set("response", response);
        return ("event: response.failed\ndata: " + failed + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode parse(String data) {
        try {
            return data == null ? Json.mapper().missingNode() : Json.mapper().readTree(data);
        } catch (IOException e) {
            return Json.mapper().missingNode();
        }
    }
}
