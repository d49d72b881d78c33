package dev.aegis.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;

/** A whole Anthropic message as a Responses API response: a message item for the text, a function_call item per tool_use. */
public final class MessagesAnswerAsResponse {

    private MessagesAnswerAsResponse() {}

    public static byte[] translate(byte[] messageBody, Clock clock) {
        JsonNode msg = Translated.parse(messageBody);
        String id = msg.path("id").asText("msg_aegis");
        ObjectNode response = ResponsesShapes.response(ResponsesShapes.responseId(id), msg.path("model").asText(),
                clock.instant().getEpochSecond(), "completed");
        ArrayNode output = (ArrayNode) response.path("output");
        StringBuilder text = new StringBuilder();
        for (JsonNode block : msg.path("content")) {
            if ("text".equals(block.path("type").asText())) {
                text.append(block.path("text").asText());
            }
        }
        if (!text.isEmpty()) {
            output.add(ResponsesShapes.message(id, "completed", text.toString()));
        }
        for (JsonNode block : msg.path("content")) {
            if ("tool_use".equals(block.path("type").asText())) {
                output.add(ResponsesShapes.functionCall(block.path("id").asText(), block.path("name").asText(),
                        block.path("input").toString(), "completed"));
            }
        }
        ResponsesShapes.finish(response, msg.path("stop_reason").asText(null));
        response.set("usage", ResponsesShapes.usage(msg.path("usage")));
        return Translated.bytes(response);
    }
}
