package dev.aegis.usage;

/**
 * Token counts normalised across protocols (SPEC §6): {@code input} is every prompt token, cached
 * or not; {@code cachedInput} the cache reads; {@code cacheWrite} the cache creation;
 * {@code output} every generated token including {@code reasoning}.
 *
 * <p>Some tokens of a kind have a price of their own, and are counted again apart as a part of it:
 * {@code audioInput} of the uncached input and {@code audioOutput} of the output (OpenAI's
 * {@code audio_tokens}: audio costs up to 16 times text), {@code cacheWriteHour} of the cache
 * writes (Anthropic's {@code ephemeral_1h_input_tokens}: a cache kept an hour costs more to write
 * than one kept five minutes). {@code webSearches} counts the searches the provider ran for the call
 * (Anthropic's {@code server_tool_use.web_search_requests}), priced per search on top of the tokens.
 */
public record TokenUsage(long input, long cachedInput, long cacheWrite, long output, long reasoning,
        long audioInput, long audioOutput, long cacheWriteHour, long webSearches) {

    public static final TokenUsage NONE = new TokenUsage(0, 0, 0, 0, 0);

    /**
     * The most a count is taken as (2^32, about 4.3 billion tokens, a thousand times the largest
     * context): a provider's count beyond it is that, so that a cost stays a number a row can hold and
     * a report can add up.
     */
    public static final long MAX_COUNT = 1L << 32;

    /**
     * Each count at most {@link #MAX_COUNT}, and each part within its whole whatever the provider says (a
     * report must never show more cache reads than prompt tokens, or more reasoning than output): cache
     * reads within the input, cache writes within the rest of it, audio input within the uncached input,
     * the hour's cache writes within the cache writes, reasoning and audio output within the output.
     */
    public TokenUsage {
        input = Math.clamp(input, 0, MAX_COUNT);
        cachedInput = Math.clamp(cachedInput, 0, input);
        cacheWrite = Math.clamp(cacheWrite, 0, input - cachedInput);
        output = Math.clamp(output, 0, MAX_COUNT);
        reasoning = Math.clamp(reasoning, 0, output);
        audioInput = Math.clamp(audioInput, 0, input - cachedInput - cacheWrite);
        audioOutput = Math.clamp(audioOutput, 0, output);
        cacheWriteHour = Math.clamp(cacheWriteHour, 0, cacheWrite);
        webSearches = Math.clamp(webSearches, 0, MAX_COUNT);
    }

    /** Counts without parts priced apart. */
    public TokenUsage(long input, long cachedInput, long cacheWrite, long output, long reasoning) {
        this(input, cachedInput, cacheWrite, output, reasoning, 0, 0, 0, 0);
    }

    /** Counts with the token parts priced apart, and no searches. */
    public TokenUsage(long input, long cachedInput, long cacheWrite, long output, long reasoning,
            long audioInput, long audioOutput, long cacheWriteHour) {
        this(input, cachedInput, cacheWrite, output, reasoning, audioInput, audioOutput, cacheWriteHour, 0);
    }

    /** The same counts with this many web searches. */
    public TokenUsage withWebSearches(long searches) {
        return new TokenUsage(input, cachedInput, cacheWrite, output, reasoning, audioInput, audioOutput, cacheWriteHour,
                searches);
    }

    public long total() {
        return input + output;
    }
}
