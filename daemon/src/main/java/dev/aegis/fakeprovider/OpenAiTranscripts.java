package dev.aegis.fakeprovider;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * The exact answers OpenAI gives, as the fake provider replays them: chat completions (whole and
 * streamed, with the optional final usage chunk) and the Responses API's event sequence.
 */
final class OpenAiTranscripts {

    static final List<String> WORDS = List.of("Hello", " from", " the", " fake", " provider.");
    static final String TEXT = String.join("", WORDS);
    static final int PROMPT_TOKENS = 21;
    static final int CACHED_TOKENS = 5;
    static final int COMPLETION_TOKENS = WORDS.size();
    static final int REASONING_TOKENS = 2;
    private static final long CREATED = 1_763_900_000L;

    private OpenAiTranscripts() {}

    static String chatCompletion(String model, String tier) {
        ObjectNode root = obj();
        root.put("id", "chatcmpl-fake1").put("object", "chat.completion").put("created", CREATED).put("model", model);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", TEXT).putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", "stop");
        root.set("usage", chatUsage());
        root.put("service_tier", tier).put("system_fingerprint", "fp_fake");
        return root.toString();
    }

    /** {@code data:} payloads of a streamed chat completion, ending with {@code [DONE]}. */
    static List<String> chatStream(String model, String tier, boolean includeUsage, List<String> words) {
        List<String> out = new ArrayList<>();
        ObjectNode first = chunk(model, tier);
        first.withArray("choices").addObject().put("index", 0)
                .<ObjectNode>set("delta", obj().put("role", "assistant").put("content", "").putNull("refusal"))
                .putNull("logprobs").putNull("finish_reason");
        out.add(first.toString());
        for (String w : words) {
            ObjectNode c = chunk(model, tier);
            c.withArray("choices").addObject().put("index", 0)
                    .<ObjectNode>set("delta", obj().put("content", w))
                    .putNull("logprobs").putNull("finish_reason");
            out.add(c.toString());
        }
        end(out, model, tier, "stop", includeUsage);
        return out;
    }

    /**
     * {@code data:} payloads of a streamed legacy completion ({@code /v1/completions}) as OpenAI sends them:
     * {@code text_completion} chunks with {@code choices[].text}, the last with its {@code finish_reason},
     * then, when {@code stream_options.include_usage} asked for it, a chunk with no choices and the usage.
     */
    static List<String> completionStream(String model, boolean includeUsage, List<String> words) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            ObjectNode c = completionChunk(model);
            c.withArray("choices").addObject().put("text", words.get(i)).put("index", 0).putNull("logprobs")
                    .put("finish_reason", i == words.size() - 1 ? "stop" : null);
            out.add(c.toString());
        }
        if (includeUsage) {
            ObjectNode usage = completionChunk(model);
            usage.putArray("choices");
            usage.set("usage", obj().put("prompt_tokens", 5).put("completion_tokens", words.size())
                    .put("total_tokens", 5 + words.size()));
            out.add(usage.toString());
        }
        out.add("[DONE]");
        return out;
    }

    private static ObjectNode completionChunk(String model) {
        return obj().put("id", "cmpl-fake1").put("object", "text_completion").put("created", 1700000000)
                .put("model", model);
    }

    /** The finish chunk, the usage chunk when asked for, and {@code [DONE]}. */
    private static void end(List<String> out, String model, String tier, String finishReason, boolean includeUsage) {
        ObjectNode last = chunk(model, tier);
        last.withArray("choices").addObject().put("index", 0).<ObjectNode>set("delta", obj())
                .putNull("logprobs").put("finish_reason", finishReason);
        out.add(last.toString());
        if (includeUsage) {
            ObjectNode usage = chunk(model, tier);
            usage.set("usage", chatUsage());
            out.add(usage.toString());
        }
        out.add("[DONE]");
    }

    /** The arguments every fake tool call carries, streamed in these two pieces. */
    static final List<String> TOOL_ARGUMENT_PIECES = List.of("{\"location\":", "\"Paris\"}");

    /** A whole chat completion that calls {@code tool} (as a model does when the request offers tools). */
    static String chatToolCall(String model, String tier, String tool) {
        ObjectNode root = obj();
        root.put("id", "chatcmpl-fake2").put("object", "chat.completion").put("created", CREATED).put("model", model);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant").putNull("content");
        ObjectNode call = message.putArray("tool_calls").addObject().put("id", "call_fake01").put("type", "function");
        call.putObject("function").put("name", tool).put("arguments", String.join("", TOOL_ARGUMENT_PIECES));
        message.putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", "tool_calls");
        root.set("usage", chatUsage());
        root.put("service_tier", tier).put("system_fingerprint", "fp_fake");
        return root.toString();
    }

    /** {@code data:} payloads of a streamed chat completion that calls {@code tool}, ending with {@code [DONE]}. */
    static List<String> chatToolCallStream(String model, String tier, String tool, boolean includeUsage) {
        List<String> out = new ArrayList<>();
        ObjectNode first = chunk(model, tier);
        ObjectNode call = obj().put("index", 0).put("id", "call_fake01").put("type", "function");
        call.putObject("function").put("name", tool).put("arguments", "");
        ObjectNode delta = obj().put("role", "assistant").putNull("content");
        delta.putArray("tool_calls").add(call);
        first.withArray("choices").addObject().put("index", 0).<ObjectNode>set("delta", delta)
                .putNull("logprobs").putNull("finish_reason");
        out.add(first.toString());
        for (String piece : TOOL_ARGUMENT_PIECES) {
            ObjectNode c = chunk(model, tier);
            ObjectNode d = obj();
            d.putArray("tool_calls").addObject().put("index", 0).putObject("function").put("arguments", piece);
            c.withArray("choices").addObject().put("index", 0).<ObjectNode>set("delta", d)
                    .putNull("logprobs").putNull("finish_reason");
            out.add(c.toString());
        }
        end(out, model, tier, "tool_calls", includeUsage);
        return out;
    }

    private static ObjectNode chunk(String model, String tier) {
        ObjectNode c = obj();
        c.put("id", "chatcmpl-fake1").put("object", "chat.completion.chunk").put("created", CREATED).put("model", model)
                .put("service_tier", tier).put("system_fingerprint", "fp_fake");
        c.putArray("choices");
        c.putNull("usage");
        return c;
    }

    private static ObjectNode chatUsage() {
        ObjectNode u = obj();
        u.put("prompt_tokens", PROMPT_TOKENS).put("completion_tokens", COMPLETION_TOKENS)
                .put("total_tokens", PROMPT_TOKENS + COMPLETION_TOKENS);
        u.putObject("prompt_tokens_details").put("cached_tokens", CACHED_TOKENS).put("audio_tokens", 0);
        u.putObject("completion_tokens_details").put("reasoning_tokens", REASONING_TOKENS).put("audio_tokens", 0)
                .put("accepted_prediction_tokens", 0).put("rejected_prediction_tokens", 0);
        return u;
    }

    /** A Responses API response object in the given state. */
    static ObjectNode response(String model, String tier, String status, boolean withOutput) {
        return response(model, tier, status, withOutput, 0);
    }

    /** A Responses API response object whose usage counts {@code storedInput} more input tokens (stored context). */
    static ObjectNode response(String model, String tier, String status, boolean withOutput, long storedInput) {
        ObjectNode r = obj();
        r.put("id", "resp_fake1").put("object", "response").put("created_at", CREATED).put("status", status)
                .putNull("error").putNull("incomplete_details").putNull("instructions").putNull("max_output_tokens")
                .put("model", model);
        ArrayNode output = r.putArray("output");
        if (withOutput) {
            output.add(message("completed", TEXT));
        }
        r.put("parallel_tool_calls", true).putNull("previous_response_id").put("service_tier", tier).put("store", false)
                .put("temperature", 1.0).put("tool_choice", "auto").putArray("tools");
        r.put("top_p", 1.0).put("truncation", "disabled");
        r.putObject("reasoning").putNull("effort").putNull("summary");
        r.putObject("text").putObject("format").put("type", "text");
        if (withOutput) {
            ObjectNode u = r.putObject("usage");
            u.put("input_tokens", PROMPT_TOKENS + storedInput);
            u.putObject("input_tokens_details").put("cached_tokens", CACHED_TOKENS).put("cache_write_tokens", 0);
            u.put("output_tokens", COMPLETION_TOKENS);
            u.putObject("output_tokens_details").put("reasoning_tokens", REASONING_TOKENS);
            u.put("total_tokens", PROMPT_TOKENS + storedInput + COMPLETION_TOKENS);
        } else {
            r.putNull("usage");
        }
        r.putObject("metadata");
        return r;
    }

    /** Input and output tokens a compaction reports: the conversation read, the compaction item written. */
    static final int COMPACTION_INPUT_TOKENS = 1200;
    static final int COMPACTION_OUTPUT_TOKENS = 300;

    /** The answer of {@code /v1/responses/compact}: the user's messages, then one opaque compaction item. */
    static String compaction(String model) {
        ObjectNode r = obj();
        r.put("id", "resp_fake_compact1").put("object", "response.compaction").put("created_at", CREATED).put("model", model);
        ArrayNode output = r.putArray("output");
        ObjectNode user = output.addObject().put("id", "msg_fake_user1").put("type", "message").put("status", "completed")
                .put("role", "user");
        user.putArray("content").addObject().put("type", "input_text").put("text", "Hello");
        output.addObject().put("id", "cmp_fake1").put("type", "compaction").put("encrypted_content", "gAAAAfake");
        ObjectNode u = r.putObject("usage");
        u.put("input_tokens", COMPACTION_INPUT_TOKENS);
        u.putObject("input_tokens_details").put("cached_tokens", 0).put("cache_write_tokens", 0);
        u.put("output_tokens", COMPACTION_OUTPUT_TOKENS);
        u.putObject("output_tokens_details").put("reasoning_tokens", COMPACTION_OUTPUT_TOKENS);
        u.put("total_tokens", COMPACTION_INPUT_TOKENS + COMPACTION_OUTPUT_TOKENS);
        return r.toString();
    }

    private static ObjectNode message(String status, String text) {
        ObjectNode m = obj();
        m.put("id", "msg_fake1").put("type", "message").put("status", status).put("role", "assistant");
        ArrayNode content = m.putArray("content");
        if (text != null) {
            content.add(outputText(text));
        }
        return m;
    }

    private static ObjectNode outputText(String text) {
        ObjectNode part = obj().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        part.putArray("logprobs");
        return part;
    }

    /** The Responses API stream: {@code [event name, data JSON]} pairs in the order OpenAI sends them. */
    static List<String[]> responsesStream(String model, String tier, List<String> words) {
        return responsesStream(model, tier, words, 0);
    }

    /** The Responses API stream whose final usage counts {@code storedInput} more input tokens (stored context). */
    static List<String[]> responsesStream(String model, String tier, List<String> words, long storedInput) {
        List<String[]> events = new ArrayList<>();
        int[] seq = {0};
        events.add(event(seq, "response.created", obj().set("response", response(model, tier, "in_progress", false))));
        events.add(event(seq, "response.in_progress", obj().set("response", response(model, tier, "in_progress", false))));
        events.add(event(seq, "response.output_item.added",
                obj().put("output_index", 0).set("item", message("in_progress", null))));
        events.add(event(seq, "response.content_part.added", obj().put("item_id", "msg_fake1").put("output_index", 0)
                .put("content_index", 0).set("part", outputText(""))));
        for (String w : words) {
            ObjectNode d = obj().put("item_id", "msg_fake1").put("output_index", 0).put("content_index", 0).put("delta", w);
            d.putArray("logprobs");
            events.add(event(seq, "response.output_text.delta", d));
        }
        ObjectNode done = obj().put("item_id", "msg_fake1").put("output_index", 0).put("content_index", 0).put("text", String.join("", words));
        done.putArray("logprobs");
        events.add(event(seq, "response.output_text.done", done));
        events.add(event(seq, "response.content_part.done", obj().put("item_id", "msg_fake1").put("output_index", 0)
                .put("content_index", 0).set("part", outputText(String.join("", words)))));
        events.add(event(seq, "response.output_item.done",
                obj().put("output_index", 0).set("item", message("completed", String.join("", words)))));
        events.add(event(seq, "response.completed", obj().set("response", response(model, tier, "completed", true, storedInput))));
        return events;
    }

    private static String[] event(int[] seq, String type, ObjectNode data) {
        ObjectNode withType = obj().put("type", type);
        withType.setAll(data);
        withType.put("sequence_number", seq[0]++);
        return new String[] {type, withType.toString()};
    }

    private static ObjectNode obj() {
        return Json.mapper().createObjectNode();
    }
}
