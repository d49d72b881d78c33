package dev.aegis.fakeprovider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.json.Json;
import java.util.ArrayList;
import java.util.List;

/** The exact answers Anthropic's Messages API gives, whole and streamed, with cache usage fields. */
final class AnthropicTranscripts {

    static final List<String> WORDS = OpenAiTranscripts.WORDS;
    static final int INPUT_TOKENS = 25;
    static final int CACHE_CREATION = 100;
    static final int CACHE_READ = 400;
    static final int OUTPUT_TOKENS = 15;

    private AnthropicTranscripts() {}

    /** Usage as the API gives it now: the cache writes split by how long they are kept, and the tier served. */
    private static ObjectNode usage(int output) {
        ObjectNode u = obj().put("input_tokens", INPUT_TOKENS).put("cache_creation_input_tokens", CACHE_CREATION)
                .put("cache_read_input_tokens", CACHE_READ);
        u.putObject("cache_creation").put("ephemeral_5m_input_tokens", CACHE_CREATION).put("ephemeral_1h_input_tokens", 0);
        return u.put("output_tokens", output).put("service_tier", "standard");
    }

    private static ObjectNode message(String model, boolean whole) {
        ObjectNode m = obj().put("id", "msg_fake01").put("type", "message").put("role", "assistant").put("model", model);
        var content = m.putArray("content");
        if (whole) {
            content.addObject().put("type", "text").put("text", OpenAiTranscripts.TEXT);
            m.put("stop_reason", "end_turn");
        } else {
            m.putNull("stop_reason");
        }
        m.putNull("stop_sequence");
        m.set("usage", usage(whole ? OUTPUT_TOKENS : 1));
        return m;
    }

    static String message(String model) {
        return message(model, true).toString();
    }

    /** {@code [event name, data JSON]} pairs in the order Anthropic sends them. */
    static List<String[]> stream(String model, List<String> words) {
        List<String[]> events = new ArrayList<>();
        events.add(new String[] {"message_start", obj().put("type", "message_start").set("message", message(model, false)).toString()});
        ObjectNode start = obj().put("type", "content_block_start").put("index", 0);
        start.putObject("content_block").put("type", "text").put("text", "");
        events.add(new String[] {"content_block_start", start.toString()});
        events.add(new String[] {"ping", "{\"type\": \"ping\"}"});
        for (String w : words) {
            ObjectNode d = obj().put("type", "content_block_delta").put("index", 0);
            d.putObject("delta").put("type", "text_delta").put("text", w);
            events.add(new String[] {"content_block_delta", d.toString()});
        }
        events.add(new String[] {"content_block_stop", obj().put("type", "content_block_stop").put("index", 0).toString()});
        ObjectNode delta = obj().put("type", "message_delta");
        delta.putObject("delta").put("stop_reason", "end_turn").putNull("stop_sequence");
        deltaUsage(delta);
        events.add(new String[] {"message_delta", delta.toString()});
        events.add(new String[] {"message_stop", "{\"type\":\"message_stop\"}"});
        return events;
    }

    static final String TOOL_PREAMBLE = "Let me check.";

    /** A whole message that says a few words, then calls {@code tool}. */
    static String toolUse(String model, String tool) {
        ObjectNode m = message(model, false);
        var content = m.putArray("content");
        content.addObject().put("type", "text").put("text", TOOL_PREAMBLE);
        ObjectNode use = content.addObject().put("type", "tool_use").put("id", "toolu_fake01").put("name", tool);
        use.putObject("input").put("location", "Paris");
        m.put("stop_reason", "tool_use");
        m.set("usage", usage(OUTPUT_TOKENS));
        return m.toString();
    }

    /** The stream of {@link #toolUse}: a text block, then a tool_use block whose input arrives as JSON pieces. */
    static List<String[]> toolUseStream(String model, String tool) {
        List<String[]> events = new ArrayList<>();
        events.add(new String[] {"message_start", obj().put("type", "message_start").set("message", message(model, false)).toString()});
        ObjectNode start = obj().put("type", "content_block_start").put("index", 0);
        start.putObject("content_block").put("type", "text").put("text", "");
        events.add(new String[] {"content_block_start", start.toString()});
        ObjectNode text = obj().put("type", "content_block_delta").put("index", 0);
        text.putObject("delta").put("type", "text_delta").put("text", TOOL_PREAMBLE);
        events.add(new String[] {"content_block_delta", text.toString()});
        events.add(new String[] {"content_block_stop", obj().put("type", "content_block_stop").put("index", 0).toString()});
        ObjectNode toolStart = obj().put("type", "content_block_start").put("index", 1);
        toolStart.putObject("content_block").put("type", "tool_use").put("id", "toolu_fake01").put("name", tool)
                .putObject("input");
        events.add(new String[] {"content_block_start", toolStart.toString()});
        for (String piece : OpenAiTranscripts.TOOL_ARGUMENT_PIECES) {
            ObjectNode d = obj().put("type", "content_block_delta").put("index", 1);
            d.putObject("delta").put("type", "input_json_delta").put("partial_json", piece);
            events.add(new String[] {"content_block_delta", d.toString()});
        }
        events.add(new String[] {"content_block_stop", obj().put("type", "content_block_stop").put("index", 1).toString()});
        ObjectNode delta = obj().put("type", "message_delta");
        delta.putObject("delta").put("stop_reason", "tool_use").putNull("stop_sequence");
        deltaUsage(delta);
        events.add(new String[] {"message_delta", delta.toString()});
        events.add(new String[] {"message_stop", "{\"type\":\"message_stop\"}"});
        return events;
    }

    /**
     * A {@code message_delta}'s usage as the SDK's {@code MessageDeltaUsage} has it: every count
     * present, the input side null (not resent), the output cumulative.
     */
    private static void deltaUsage(ObjectNode delta) {
        delta.putObject("usage").putNull("input_tokens").putNull("cache_creation_input_tokens")
                .putNull("cache_read_input_tokens").put("output_tokens", OUTPUT_TOKENS).putNull("server_tool_use");
    }

    private static ObjectNode obj() {
        return Json.mapper().createObjectNode();
    }
}
