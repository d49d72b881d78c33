package dev.aegis.usage;

/**
 * Token counts normalised across protocols (SPEC §6): {@code input} is every prompt token, cached
 * or not; {@code cachedInput} the cache reads; {@code cacheWrite} the cache creation;
 * {@code output} every generated token including {@code reasoning}.
 */
public record TokenUsage(long input, long cachedInput, long cacheWrite, long output, long reasoning) {

    public static final TokenUsage NONE = new TokenUsage(0, 0, 0, 0, 0);

    public long total() {
        return input + output;
    }
}
