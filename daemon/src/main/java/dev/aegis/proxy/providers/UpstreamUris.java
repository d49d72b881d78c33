package dev.aegis.proxy.providers;

import com.github.benmanes.caffeine.cache.Cache;
import dev.aegis.cache.CallPathCaches;
import java.net.URI;

/**
 * Upstream URLs parsed once each: a gateway calls the same few URLs over and over, and parsing one
 * ({@link URI#create}) was ≈ 3 % of a call's way to the provider (issue 29,
 * docs/benchmarks/run-2026-12-06-1750-quiet-reads.md). Bounded, since the path and query come from the client.
 */
final class UpstreamUris {

    private static final Cache<String, URI> PARSED = CallPathCaches.builder().maximumSize(1_024).build();

    private UpstreamUris() {}

    /** {@link URI#create} of {@code url}, from the cache when it was parsed before. */
    static URI of(String url) {
        return PARSED.get(url, URI::create);
    }
}
