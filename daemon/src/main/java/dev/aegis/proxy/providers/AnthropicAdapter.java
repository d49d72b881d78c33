package dev.aegis.proxy.providers;

import dev.aegis.config.ProviderConfig;
import java.net.URI;
import dev.aegis.proxy.http1.OutgoingRequest;

/** Anthropic: the base URL is the host, the key goes in {@code x-api-key}. */
final class AnthropicAdapter implements ProviderAdapter {

    @Override
    public URI uri(ProviderConfig provider, String apiPath, String query, String model) {
        return UpstreamUris.of(ProviderAdapter.withQuery(provider.baseUrl() + "/v1" + apiPath, query));
    }

    @Override
    public void authorize(OutgoingRequest.Builder request, ProviderConfig provider) {
        if (provider.hasKey()) {
            request.header("x-api-key", provider.apiKey());
        }
    }
}
