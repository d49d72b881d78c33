package dev.aegis.proxy.providers;

import dev.aegis.config.ProviderConfig;
import java.net.URI;
import dev.aegis.proxy.http1.OutgoingRequest;

/**
 * OpenAI and OpenAI-compatible servers (vLLM, Ollama, LM Studio): the base URL already ends in {@code /v1}.
 * The organization and project the key bills come from the provider's config, never the client.
 */
final class OpenAiAdapter implements ProviderAdapter {

    @Override
    public URI uri(ProviderConfig provider, String apiPath, String query, String model) {
        return UpstreamUris.of(ProviderAdapter.withQuery(provider.baseUrl() + apiPath, query));
    }

    @Override
    public void authorize(OutgoingRequest.Builder request, ProviderConfig provider) {
        if (provider.hasKey()) {
            request.header("Authorization", "Bearer " + provider.apiKey());
        }
        if (provider.organization() != null) {
            request.header("OpenAI-Organization", provider.organization());
        }
        if (provider.project() != null) {
            request.header("OpenAI-Project", provider.project());
        }
    }
}
