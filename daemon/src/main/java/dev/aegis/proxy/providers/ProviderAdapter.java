package dev.aegis.proxy.providers;

import dev.aegis.config.ProviderConfig;
import java.net.URI;
import dev.aegis.proxy.http1.OutgoingRequest;

/** How one kind of provider is addressed and authenticated. */
public interface ProviderAdapter {

    /**
     * The upstream URL for an API path.
     *
     * @param apiPath the path after the API version, e.g. {@code /chat/completions} or {@code /messages}
     * @param query the raw query string, or null
     * @param model the model being called (Azure puts it in the URL)
     */
    URI uri(ProviderConfig provider, String apiPath, String query, String model);

    /** Adds the provider's own credentials, the account they bill when configured, and any headers it requires. */
    void authorize(OutgoingRequest.Builder request, ProviderConfig provider);

    static String withQuery(String url, String query) {
        return query == null || query.isEmpty() ? url : url + (url.contains("?") ? "&" : "?") + query;
    }
}
