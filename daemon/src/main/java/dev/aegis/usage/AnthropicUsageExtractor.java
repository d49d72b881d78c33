package dev.aegis.usage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.streaming.SseEvent;
import java.util.Set;

/**
 * Anthropic Messages: {@code message_start} carries the input side (with cache reads and writes),
 * {@code message_delta} cumulative counts that replace whichever fields it names; {@code message_stop}
 * ends the answer. Of the cache writes, those kept an hour ({@code cache_creation.ephemeral_1h_input_tokens})
 * are priced apart, and the web searches it ran ({@code server_tool_use.web_search_requests}) are counted.
 */
final class AnthropicUsageExtractor implements UsageExtractor {

    private static final Set<String> TYPE_AND_USAGE = Set.of("type", "usage");

    private long input;
    private long cacheRead;
    private long cacheWrite;
    private long cacheWriteHour;
    private long webSearches;
    private long output;
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
        input = u.has("input_tokens") ? JsonUsage.count(u, "/input_tokens") : input;
        cacheRead = u.has("cache_read_input_tokens") ? JsonUsage.count(u, "/cache_read_input_tokens") : cacheRead;
        cacheWrite = u.has("cache_creation_input_tokens") ? JsonUsage.count(u, "/cache_creation_input_tokens") : cacheWrite;
        output = u.has("output_tokens") ? JsonUsage.count(u, "/output_tokens") : output;
        webSearches = u.path("server_tool_use").has("web_search_requests")
                ? JsonUsage.count(u, "/server_tool_use/web_search_requests") : webSearches;
        cacheWriteHour = u.path("cache_creation").has("ephemeral_1h_input_tokens")
                ? JsonUsage.count(u, "/cache_creation/ephemeral_1h_input_tokens") : cacheWriteHour;
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
        return new TokenUsage(input + cacheRead + cacheWrite, cacheRead, cacheWrite, output, 0, 0, 0,
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
