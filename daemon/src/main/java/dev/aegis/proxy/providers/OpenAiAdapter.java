package dev.aegis.proxy.providers;

import dev.aegis.config.ProviderConfig;
import java.net.URI;
import java.net.http.HttpRequest;

/** OpenAI and OpenAI-compatible servers (vLLM, Ollama, LM Studio): the base URL already ends in {@code /v1}. */
final class OpenAiAdapter implements ProviderAdapter {

    @Override
    public URI uri(ProviderConfig provider, String apiPath, String query, String model) {
        return URI.create(ProviderAdapter.withQuery(provider.baseUrl() + apiPath, query));
    }

    @Override
    public void authorize(HttpRequest.Builder request, ProviderConfig provider) {
        if (provider.hasKey()) {
            request.header("Authorization", "Bearer " + provider.apiKey());
        }
    }
}
