package dev.aegis.proxy;

import dev.aegis.http.BrowserHeaders;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which headers cross the gateway. Client headers pass through (SDK, beta and version headers,
 * {@code x-stainless-*}, {@code User-Agent}) except hop-by-hop headers, the caller's Aegis key,
 * Aegis's own control headers and the headers that pick which provider account the operator's key
 * bills; the provider's key and account are set by its adapter from the config instead.
 */
public final class HeaderPolicy {

    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te",
            "trailer", "trailers", "transfer-encoding", "upgrade", "host", "content-length", "expect",
            "http2-settings");

    /** Where clients put their Aegis key; never forwarded. */
    private static final Set<String> CLIENT_CREDENTIALS =
            Set.of("authorization", "x-api-key", "x-daemon-token", "api-key", "cookie");

    /**
     * Which organization or project of the provider the operator's key bills (OpenAI's). A client must
     * not pick it: they come from the provider's config ({@code organization}, {@code project}).
     * Anthropic and Azure have no such header (the key or the resource URL decides).
     */
    private static final Set<String> PROVIDER_ACCOUNT = Set.of("openai-organization", "openai-project");

    /**
     * Headers some servers read as the request's real method: Aegis governs a call by the method it
     * received (a POST to a billed route, a pass-through path the key may reach with that method), so the
     * provider must see the same one.
     */
    private static final Set<String> METHOD_OVERRIDES = Set.of("x-http-method-override", "x-http-method", "x-method-override");

    /** Aegis reads these itself; the provider has no use for them. */
    private static final Set<String> AEGIS_REQUEST_HEADERS = Set.of("x-tenant-id", "x-run-id");

    /** Headers Aegis sets on answers itself. */
    private static final Set<String> AEGIS_RESPONSE_HEADERS = Set.of("x-request-id", "content-length", "date", "server");

    private HeaderPolicy() {}

    /**
     * True when a client header goes to the provider. {@code connectionTokens} are the names listed in
     * the request's {@code Connection} header, which are hop-by-hop too.
     */
    public static boolean forwardRequestHeader(String name, Set<String> connectionTokens) {
        String n = name.toLowerCase(Locale.ROOT);
        return !HOP_BY_HOP.contains(n)
                && !CLIENT_CREDENTIALS.contains(n)
                && !PROVIDER_ACCOUNT.contains(n)
                && !AEGIS_REQUEST_HEADERS.contains(n)
                && !METHOD_OVERRIDES.contains(n)
                && !n.startsWith("x-aegis-")
                // Aegis reads usage from the body as it passes, so it asks for it uncompressed.
                && !n.equals("accept-encoding")
                // A compressed request body is decoded before Aegis reads it, and forwarded decoded.
                && !n.equals("content-encoding")
                && !connectionTokens.contains(n);
    }

    /** True when a provider's response header goes back to the client. */
    public static boolean forwardResponseHeader(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return !n.startsWith(":") && !HOP_BY_HOP.contains(n) && !AEGIS_RESPONSE_HEADERS.contains(n)
                && !BrowserHeaders.NAMES.contains(n);
    }

    /** The lower-cased tokens of a {@code Connection} header value. */
    public static Set<String> connectionTokens(String connectionHeader) {
        Set<String> out = new HashSet<>();
        if (connectionHeader != null) {
            for (String t : connectionHeader.split(",")) {
                out.add(t.trim().toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }
}
