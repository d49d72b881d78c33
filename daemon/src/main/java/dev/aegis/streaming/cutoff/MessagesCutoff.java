package dev.aegis.streaming.cutoff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.json.Json;
import dev.aegis.streaming.SseEvent;

/**
 * Anthropic Messages: {@code content_block_stop} for an open block (Claude Code returns an empty
 * answer without it), {@code message_delta} with {@code stop_reason: "max_tokens"}, {@code message_stop}.
 */
final class MessagesCutoff extends BudgetCutoff {

    private int openBlock = -1;
    private long output;

    MessagesCutoff(long budget) {
        super(budget);
    }

    @Override
    protected long observe(SseEvent event) {
        String type = event.event();
        if ("content_block_start".equals(type)) {
            JsonNode data = event.json();
            openBlock = data == null ? openBlock : data.path("index").asInt(openBlock);
        } else if ("content_block_stop".equals(type)) {
            openBlock = -1;
        } else if ("content_block_delta".equals(type)) {
            JsonNode data = event.json();
            if (data != null) {
                JsonNode delta = data.path("delta");
                long t = tokens(delta.path("text").asText(null)) + tokens(delta.path("partial_json").asText(null))
                        + tokens(delta.path("thinking").asText(null));
                output += t;
                return t;
            }
        }
        return 0;
    }

    @Override
    protected String ending() {
        StringBuilder sb = new StringBuilder();
        if (openBlock >= 0) {
            sb.append(event("content_block_stop",
                    Json.mapper().createObjectNode().put("type", "content_block_stop").put("index", openBlock)));
        }
        ObjectNode delta = Json.mapper().createObjectNode().put("type", "message_delta");
        delta.putObject("delta").put("stop_reason", "max_tokens").putNull("stop_sequence");
        delta.putObject("usage").put("output_tokens", output);
        sb.append(event("message_delta", delta));
        sb.append(event("message_stop", Json.mapper().createObjectNode().put("type", "message_stop")));
        return sb.toString();
    }
}
