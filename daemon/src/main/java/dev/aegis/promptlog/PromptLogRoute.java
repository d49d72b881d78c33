package dev.aegis.promptlog;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.auth.Authenticator;
import dev.aegis.http.ApiException;
import dev.aegis.json.Json;
import dev.aegis.store.PromptLogEntry;
import dev.aegis.store.PromptLogStore;
import io.javalin.http.Context;
import java.time.Instant;

/**
 * {@code GET /api/prompt-log?limit=N} (admin keys only): the newest N entries, newest first, as
 * {@code {"enabled": true, "entries": [...]}}. {@code limit} defaults to 50 and is capped at 1000;
 * anything but a positive whole number is a 400. With the prompt log off the answer is
 * {@code {"enabled": false, "entries": []}}: nothing is read, whatever an earlier run stored.
 */
public final class PromptLogRoute {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 1000;

    private final Authenticator authenticator;
    private final PromptLogStore store;

    /** @param store null when the prompt log is off */
    public PromptLogRoute(Authenticator authenticator, PromptLogStore store) {
        this.authenticator = authenticator;
        this.store = store;
    }

    public void handle(Context ctx) {
        Authenticator.requireAdmin(authenticator.authenticate(ctx));
        int limit = limit(ctx.queryParam("limit"));
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("enabled", store != null);
        ArrayNode entries = body.putArray("entries");
        if (store != null) {
            for (PromptLogEntry e : store.latest(limit)) {
                entries.add(json(e));
            }
        }
        ctx.contentType("application/json").result(body.toString());
    }

    static int limit(String text) {
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        if (!text.matches("[0-9]{1,18}") || Long.parseLong(text) < 1) {
            throw ApiException.invalidRequest("limit must be a whole number from 1 (at most " + MAX_LIMIT + " entries are returned)");
        }
        return (int) Math.min(MAX_LIMIT, Long.parseLong(text));
    }

    private static ObjectNode json(PromptLogEntry e) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("ts", Instant.ofEpochMilli(e.tsMillis()).toString());
        o.put("request_id", e.requestId());
        o.put("key_id", e.keyId());
        o.put("route", e.route());
        o.put("model", e.model());
        o.put("status", e.status());
        o.put("error_code", e.errorCode());
        o.put("input_tokens", e.inputTokens());
        o.put("output_tokens", e.outputTokens());
        o.put("request_preview", e.requestPreview());
        o.put("response_preview", e.responsePreview());
        o.put("redactions", e.redactions());
        return o;
    }
}
