package dev.aegis.usage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.streaming.SseEvent;
import java.util.Set;

/**
 * Anthropic Messages: {@code message_start} carries the input side (with cache reads and writes),
 * {@code message_delta} cumulative counts that replace whichever fields it names; {@code message_stop}
 * ends the answer. Of the cache writes, those kept an hour ({@code cache_creation.ephemeral_1h_input_tokens})
 * are priced apart, and the web searches it ran ({@code server_tool_use.web_search_requests}) are counted;
 * the thinking part of the output ({@code output_tokens_details.thinking_tokens}) is its reasoning.
 */
final class AnthropicUsageExtractor implements UsageExtractor {

    private static final Set<String> TYPE_AND_USAGE = Set.of("type", "usage");

    private long input;
    private long cacheRead;
    private long cacheWrite;
    private long cacheWriteHour;
    private long webSearches;
    private long output;
    /** The thinking part of the output ({@code output_tokens_details.thinking_tokens}): its reasoning. */
    private long thinking;
    private String serviceTier;
    private boolean end;

    @Override
    public boolean onEvent(SseEvent event) {
        String type = event.event();
        if ("message_start".equals(type)) {
            JsonNode data = event.json();
            if (data != null) {
                apply(data.at("/message/usage"));
            }
        } else if ("message_delta".equals(type)) {
            JsonNode data = event.json();
            if (data != null) {
                apply(data.path("usage"));
            }
        } else if ("message_stop".equals(type)) {
            end = true;
        }
        return true;
    }

    private void apply(JsonNode u) {
        if (!u.isObject()) {
            return;
        }
        // A field the event names as null (message_delta always has the input and cache ones) keeps
        // what an earlier event said: only a number replaces it.
        input = JsonUsage.countOr(u, "/input_tokens", input);
        cacheRead = JsonUsage.countOr(u, "/cache_read_input_tokens", cacheRead);
        cacheWrite = JsonUsage.countOr(u, "/cache_creation_input_tokens", cacheWrite);
        output = JsonUsage.countOr(u, "/output_tokens", output);
        thinking = JsonUsage.countOr(u, "/output_tokens_details/thinking_tokens", thinking);
        webSearches = JsonUsage.countOr(u, "/server_tool_use/web_search_requests", webSearches);
        cacheWriteHour = JsonUsage.countOr(u, "/cache_creation/ephemeral_1h_input_tokens", cacheWriteHour);
        serviceTier = u.path("service_tier").isTextual() ? u.path("service_tier").asText() : serviceTier;
    }

    @Override
    public void onBody(byte[] body) {
        JsonNode root = JsonUsage.parseMembers(body, TYPE_AND_USAGE);
        if (root != null && "message".equals(root.path("type").asText())) {
            apply(root.path("usage"));
        }
        end = root != null;
    }

    @Override
    public TokenUsage usage() {
        return new TokenUsage(input + cacheRead + cacheWrite, cacheRead, cacheWrite, output, Math.min(thinking, output), 0, 0,
                Math.min(cacheWriteHour, cacheWrite), webSearches);
    }

    @Override
    public String serviceTier() {
        return serviceTier;
    }

    @Override
    public boolean sawEnd() {
        return end;
    }
}
