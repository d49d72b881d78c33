package dev.aegis.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The Responses API objects a translated answer is made of: the response, its output items, its usage. */
final class ResponsesShapes {

    private ResponsesShapes() {}

    /** A response object with every field the official SDKs require, and no output yet. */
    static ObjectNode response(String id, String model, long createdAt, String status) {
        ObjectNode r = Translated.object().put("id", id).put("object", "response").put("created_at", createdAt)
                .put("status", status).put("model", model);
        r.putNull("error");
        r.putNull("incomplete_details");
        r.putNull("instructions");
        r.putObject("metadata");
        r.putArray("output");
        r.put("parallel_tool_calls", true);
        r.putNull("temperature");
        r.put("tool_choice", "auto");
        r.putArray("tools");
        r.putNull("top_p");
        r.putObject("text").putObject("format").put("type", "text");
        return r;
    }

    static String responseId(String messageId) {
        return "resp_" + (messageId.startsWith("msg_") ? messageId.substring(4) : messageId);
    }

    static ObjectNode message(String id, String status, String text) {
        ObjectNode item = Translated.object().put("type", "message").put("id", id).put("status", status)
                .put("role", "assistant");
        if (text == null) {
            item.putArray("content");
        } else {
            item.putArray("content").add(outputText(text));
        }
        return item;
    }

    static ObjectNode outputText(String text) {
        ObjectNode part = Translated.object().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        return part;
    }

    static ObjectNode functionCall(String callId, String name, String arguments, String status) {
        return Translated.object().put("type", "function_call").put("id", "fc_" + callId).put("call_id", callId)
                .put("name", name).put("arguments", arguments).put("status", status);
    }

    /**
     * Anthropic usage as the Responses API's: input counts cache reads and writes (SPEC §6), each in
     * its detail; the thinking part of the output is its {@code reasoning_tokens}.
     */
    static ObjectNode usage(JsonNode u) {
        AnthropicCounts c = AnthropicCounts.of(u);
        ObjectNode out = Translated.object().put("input_tokens", c.input());
        out.putObject("input_tokens_details").put("cached_tokens", c.cacheRead()).put("cache_write_tokens", c.cacheWrite());
        out.put("output_tokens", c.output());
        out.putObject("output_tokens_details").put("reasoning_tokens", c.thinking());
        out.put("total_tokens", c.input() + c.output());
        return out;
    }

    /** Sets status and incomplete_details from an Anthropic stop reason. */
    static void finish(ObjectNode response, String stopReason) {
        if ("max_tokens".equals(stopReason) || "model_context_window_exceeded".equals(stopReason)) {
            response.put("status", "incomplete");
            response.putObject("incomplete_details").put("reason", "max_output_tokens");
        } else {
            response.put("status", "completed");
        }
    }
}
