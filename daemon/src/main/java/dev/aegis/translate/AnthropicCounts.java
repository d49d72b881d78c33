package dev.aegis.translate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The counts of an Anthropic {@code usage}, normalised as SPEC §6 has them: {@code input} is every
 * prompt token (uncached, cache reads and cache writes); {@code thinking} is the part of the output
 * spent thinking. A count the usage gives as null or not at all is 0.
 */
record AnthropicCounts(long input, long cacheRead, long cacheWrite, long output, long thinking) {

    static AnthropicCounts of(JsonNode u) {
        long cacheRead = u.path("cache_read_input_tokens").asLong(0);
        long cacheWrite = u.path("cache_creation_input_tokens").asLong(0);
        long output = u.path("output_tokens").asLong(0);
        return new AnthropicCounts(u.path("input_tokens").asLong(0) + cacheRead + cacheWrite, cacheRead, cacheWrite, output,
                Math.min(output, u.at("/output_tokens_details/thinking_tokens").asLong(0)));
    }
}
