package dev.aegis.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.json.Json;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

/** {@code GET /}: what this daemon is and how to point a client at it, as HTML or JSON. */
public final class HomePage {

    private record Route(String method, String path, String what) {}

    /** Every route the daemon serves (docs/ROUTES.md says more). */
    private static final List<Route> ROUTES = List.of(
            new Route("POST", "/v1/chat/completions", "OpenAI chat completions, stream and non-stream"),
            new Route("POST", "/v1/responses", "OpenAI Responses API (what Codex uses)"),
            new Route("POST", "/v1/completions", "OpenAI legacy completions"),
            new Route("POST", "/v1/embeddings", "OpenAI embeddings"),
            new Route("GET", "/v1/models", "the models this key may use, answered by Aegis"),
            new Route("POST", "/v1/messages", "Anthropic Messages API (what Claude Code uses)"),
            new Route("POST", "/v1/messages/count_tokens", "Anthropic token counting"),
            new Route("ANY", "/v1/...", "any other path: forwarded to the default provider, scanned for secrets and "
                    + "recorded, not priced; keys with credits, a budget or a model list reach only passthrough.allow"),
            new Route("ANY", "/openai/v1/..., /anthropic/v1/...", "as /v1/..., to that provider whatever the model"),
            new Route("ANY", "/api/proxy/openai/v1/<path>", "the OpenAI provider's origin + /v1/<path> (Codex: base_url = "
                    + "\".../api/proxy/openai/v1\"), governed as /v1/<path>; only /v1/ paths exist there"),
            new Route("POST", "/api/proxy/openai", "chat completions"),
            new Route("POST", "/api/ai/completion", "an OpenAI-compatible completion body: chat completions when it has "
                    + "messages, legacy completions otherwise"),
            new Route("POST", "/auth/token", "{\"apiKey\": \"...\"} -> a short-lived JWT usable as a Bearer key"),
            new Route("GET", "/healthz, /health, /aegis/v1/health", "health: {\"status\":\"ok\"}"),
            new Route("GET", "/aegis/v1/status", "version, uptime, requests served"),
            new Route("GET", "/aegis/v1/usage?since=7d&by=model", "the aegis usage report (a key sees its own, admin all)"),
            new Route("GET", "/api/costs, /api/costs/{keyId}", "cost per key (a key sees its own, admin all)"),
            new Route("GET", "/api/prompt-log?limit=N", "admin: newest prompt-log entries, secrets redacted (audit.prompt_log)"),
            new Route("GET", "/aegis/v1/events", "admin: server-sent events, one per finished or refused call (aegis tail)"),
            new Route("GET", "/ui", "the web dashboard (aegis dashboard opens it with a one-time login link)"),
            new Route("GET", "/metrics", "Prometheus metrics"),
            new Route("POST", "/aegis/v1/control/shutdown, /aegis/v1/control/flush", "the aegis CLI only (control token)"),
            new Route("OPTIONS", "*", "CORS preflight (server.cors)"),
            new Route("GET", "/", "this page; JSON with Accept: application/json"));

    private static final String STYLE = "body{font:15px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;"
            + "padding:0 1rem}code,pre{background:#f3f3f3;padding:.1rem .3rem;border-radius:3px}pre{padding:.6rem}"
            + "td{padding:.2rem .6rem;border-bottom:1px solid #eee}";

    /** {@link BrowserHeaders#CSP} plus the page's one stylesheet, by its hash: no inline script, no other style. */
    static final String HTML_CSP = BrowserHeaders.CSP + "; style-src 'sha256-" + sha256(STYLE) + "'";

    private HomePage() {}

    public static void handle(Context ctx) {
        String host = ctx.host();
        String baseUrl = "http://" + (host == null || !host.matches("[A-Za-z0-9.\\-:\\[\\]]+") ? "127.0.0.1:8787" : host);
        String accept = ctx.header("Accept");
        if (accept != null && accept.contains("application/json") && !accept.contains("text/html")) {
            ctx.contentType("application/json").result(json(baseUrl));
        } else {
            ctx.header("Content-Security-Policy", HTML_CSP);
            ctx.contentType("text/html; charset=utf-8").result(html(baseUrl));
        }
    }

    static String json(String baseUrl) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("name", "Aegis");
        root.put("what", "local AI gateway: keys, budgets, secret blocking, usage and signed receipts");
        root.put("base_url", baseUrl + "/v1");
        ArrayNode routes = root.putArray("routes");
        for (Route r : ROUTES) {
            routes.addObject().put("method", r.method()).put("path", r.path()).put("what", r.what());
        }
        ObjectNode clients = root.putObject("clients");
        clients.put("openai_sdk", "OPENAI_BASE_URL=" + baseUrl + "/v1 OPENAI_API_KEY=<your Aegis key>");
        clients.put("anthropic_sdk", "ANTHROPIC_BASE_URL=" + baseUrl + " ANTHROPIC_AUTH_TOKEN=<your Aegis key>");
        clients.put("codex", "aegis init codex   (prints a model provider for ~/.codex/config.toml)");
        clients.put("claude_code", "eval \"$(aegis env claude)\"");
        return root.toString();
    }

    static String html(String baseUrl) {
        StringBuilder rows = new StringBuilder();
        for (Route r : ROUTES) {
            rows.append("<tr><td>").append(r.method()).append("</td><td><code>").append(escape(r.path()))
                    .append("</code></td><td>").append(escape(r.what())).append("</td></tr>\n");
        }
        return """
                <!doctype html>
                <html><head><meta charset="utf-8"><title>Aegis</title>
                <style>%3$s</style></head><body>
                <h1>Aegis is running</h1>
                <p>A local AI gateway: it checks your Aegis key, enforces credits, budgets and rate limits,
                blocks secrets before they leave this machine, forwards the call with the real provider key
                and records usage, cost and a signed receipt.</p>
                <h2>Point a client here</h2>
                <pre>export OPENAI_BASE_URL=%1$s/v1
                export OPENAI_API_KEY=&lt;your Aegis key&gt;      # aegis keygen --name me

                export ANTHROPIC_BASE_URL=%1$s
                export ANTHROPIC_AUTH_TOKEN=&lt;your Aegis key&gt;</pre>
                <p>Codex: <code>aegis init codex</code> prints the provider entry for <code>~/.codex/config.toml</code>.
                Claude Code: <code>eval "$(aegis env claude)"</code>.</p>
                <h2>Routes</h2>
                <table>%2$s</table>
                <p>JSON version: <code>curl -H 'Accept: application/json' %1$s/</code></p>
                </body></html>
                """.formatted(escape(baseUrl), rows, STYLE);
    }

    private static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
