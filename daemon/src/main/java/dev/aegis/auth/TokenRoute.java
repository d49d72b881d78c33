package dev.aegis.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.http.ApiException;
import dev.aegis.json.Json;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code POST /auth/token {"apiKey": "..."}}: a short-lived JWT usable as a Bearer key. */
public final class TokenRoute {

    private static final Logger LOG = LoggerFactory.getLogger(TokenRoute.class);
    private static final int MAX_BODY = 16 * 1024;

    private static final long LOG_EVERY_NANOS = 10_000_000_000L;

    private final AtomicLong nextLogAt = new AtomicLong(System.nanoTime());
    private final AtomicLong unlogged = new AtomicLong();
    private final Authenticator authenticator;
    private final JwtTokens jwt;

    public TokenRoute(Authenticator authenticator, JwtTokens jwt) {
        this.authenticator = authenticator;
        this.jwt = jwt;
    }

    /**
     * Not a model call (no usage row): a log line keeps the trail of keys tried, never the key; at most
     * one every {@link #LOG_EVERY_NANOS}, counting those in between, so a loop of bad keys cannot flood the log.
     */
    private void refused(String from) {
        long now = System.nanoTime();
        long next = nextLogAt.get();
        if (now - next < 0 || !nextLogAt.compareAndSet(next, now + LOG_EVERY_NANOS)) {
            unlogged.incrementAndGet();
            return;
        }
        long before = unlogged.getAndSet(0);
        LOG.warn("refused a token for a key that is not valid (from {}){}", from,
                before == 0 ? "" : "; " + before + " more refused since the last such line");
    }

    public void handle(Context ctx) {
        byte[] body;
        try {
            body = ctx.req().getInputStream().readNBytes(MAX_BODY + 1);
        } catch (IOException e) {
            throw ApiException.invalidRequest("could not read the request body");
        }
        if (body.length > MAX_BODY) {
            throw ApiException.tooLarge(MAX_BODY, "a token request's fixed limit");
        }
        JsonNode apiKey;
        try {
            apiKey = Json.mapper().readTree(body).path("apiKey");
        } catch (IOException e) {
            throw ApiException.invalidRequest("body must be JSON: {\"apiKey\": \"<your Aegis key>\"}");
        }
        if (!apiKey.isTextual() || JwtTokens.looksLikeJwt(apiKey.asText())) {
            throw ApiException.invalidRequest("body must be JSON: {\"apiKey\": \"<your Aegis key>\"} (a key, not a token)");
        }
        String keyId = authenticator.check(apiKey.asText()).orElseThrow(() -> {
            refused(ctx.req().getRemoteAddr());
            return new ApiException(401, "invalid_api_key", "the Aegis key is not valid");
        }).id();
        ctx.contentType("application/json").result(Json.mapper().createObjectNode()
                .put("token", jwt.issue(keyId))
                .put("token_type", "Bearer")
                .put("expires_in", JwtTokens.LIFETIME.toSeconds())
                .toString());
    }
}
