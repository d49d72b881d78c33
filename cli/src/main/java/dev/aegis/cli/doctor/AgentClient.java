package dev.aegis.cli.doctor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.config.ProviderType;
import dev.aegis.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The coding agents {@code aegis doctor} knows, each with the request it really sends: path,
 * headers and body shape (a streamed Responses call for Codex, a streamed Messages call for Claude
 * Code), the event that ends a good answer, and the provider types that speak its protocol.
 */
public enum AgentClient {
    CODEX("codex", "/v1/responses", "response.completed",
            Set.of(ProviderType.OPENAI, ProviderType.AZURE, ProviderType.OPENAI_COMPATIBLE), "gpt-5-codex"),
    CLAUDE("claude", "/v1/messages?beta=true", "message_stop", Set.of(ProviderType.ANTHROPIC), "claude-sonnet-4-5");

    private final String id;
    private final String path;
    private final String lastEvent;
    private final Set<ProviderType> speaks;
    private final String defaultModel;

    AgentClient(String id, String path, String lastEvent, Set<ProviderType> speaks, String defaultModel) {
        this.id = id;
        this.path = path;
        this.lastEvent = lastEvent;
        this.speaks = speaks;
        this.defaultModel = defaultModel;
    }

    public String id() {
        return id;
    }

    /** The path (and query) the client calls, below the base URL's host. */
    public String path() {
        return path;
    }

    /** The SSE event that ends a complete answer. */
    public String lastEvent() {
        return lastEvent;
    }

    public boolean speaks(ProviderType type) {
        return speaks.contains(type);
    }

    public String defaultModel() {
        return defaultModel;
    }

    /** The protocol's name, for messages. */
    public String protocol() {
        return this == CODEX ? "OpenAI Responses API" : "Anthropic Messages API";
    }

    /** The client's request body for this model. */
    public byte[] body(String model) {
        try (InputStream in = AgentClient.class.getResourceAsStream(id + "-request.json")) {
            ObjectNode body = (ObjectNode) Json.mapper().readTree(in);
            body.put("model", model);
            return Json.mapper().writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The client's headers for this key.
     *
     * @param bearer Claude Code sends {@code ANTHROPIC_AUTH_TOKEN} as a bearer token and
     *     {@code ANTHROPIC_API_KEY} as {@code x-api-key}; Codex always sends a bearer token
     */
    public Map<String, String> headers(String key, boolean bearer) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        h.put("Accept", "text/event-stream");
        if (this == CODEX) {
            h.put("Authorization", "Bearer " + key);
            h.put("OpenAI-Beta", "responses=experimental");
            h.put("originator", "codex_cli_rs");
            h.put("session_id", "00000000-0000-4000-8000-000000000000");
            h.put("User-Agent", "codex_cli_rs/0.46.0 (aegis doctor)");
        } else {
            if (bearer) {
                h.put("Authorization", "Bearer " + key);
            } else {
                h.put("x-api-key", key);
            }
            h.put("anthropic-version", "2023-06-01");
            h.put("anthropic-beta", "claude-code-20250219,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14");
            h.put("anthropic-dangerous-direct-browser-access", "true");
            h.put("x-app", "cli");
            h.put("x-stainless-lang", "js");
            h.put("User-Agent", "claude-cli/2.0.0 (external, cli; aegis doctor)");
        }
        return h;
    }
}
