package dev.aegis.proxy.providers;

import dev.aegis.config.ProviderConfig;
import java.net.URI;
import java.net.URLEncoder;
import dev.aegis.proxy.http1.OutgoingRequest;
import java.nio.charset.StandardCharsets;

/** Azure OpenAI: one deployment per model in the URL, {@code api-version} in the query, key in {@code api-key}. */
final class AzureAdapter implements ProviderAdapter {

    @Override
    public URI uri(ProviderConfig provider, String apiPath, String query, String model) {
        String deployment = URLEncoder.encode(model == null ? "" : model, StandardCharsets.UTF_8);
        String url = provider.baseUrl() + "/openai/deployments/" + deployment + apiPath + "?api-version="
                + URLEncoder.encode(provider.apiVersion(), StandardCharsets.UTF_8);
        return UpstreamUris.of(ProviderAdapter.withQuery(url, query));
    }

    @Override
    public void authorize(OutgoingRequest.Builder request, ProviderConfig provider) {
        if (provider.hasKey()) {
            request.header("api-key", provider.apiKey());
        }
    }
}
