package dev.aegis.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.json.Json;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Renders errors in the dialect of the route that was called: Anthropic's shape on the Messages API,
 * OpenAI's everywhere else. Never HTML, never a stack trace.
 */
public final class ErrorRenderer {

    private ErrorRenderer() {}

    public static void render(Context ctx, ApiException e) {
        render(ctx, e.status(), e.code(), e.getMessage(), e.passes());
    }

    public static void render(Context ctx, int status, String code, String message) {
        render(ctx, status, code, message, false);
    }

    private static void render(Context ctx, int status, String code, String message, boolean passes) {
        Answered.mark(ctx);
        RequestTimeline.stamp(ctx);
        ctx.status(status);
        ctx.contentType("application/json");
        ctx.result(body(isAnthropicRoute(ctx.path()), status, code, message, passes));
    }

    /** The same on any server: the answer of a call carried through an {@link Exchange}. */
    public static void render(Exchange call, ApiException e) {
        call.answered();
        call.status(e.status());
        call.contentType("application/json");
        byte[] bytes = body(isAnthropicRoute(call.path()), e.status(), e.code(), e.getMessage(), e.passes())
                .getBytes(StandardCharsets.UTF_8);
        call.contentLength(bytes.length);
        try (OutputStream out = call.output()) {
            out.write(bytes);
        } catch (IOException gone) {
            // the client went away; nothing is left to tell it
        }
    }

    static String body(boolean anthropic, int status, String code, String message) {
        return body(anthropic, status, code, message, false);
    }

    /**
     * @param passes the refusal passes by itself soon: OpenAI's {@code insufficient_quota} type tells clients the
     *     account is out of money, and Codex stops at once on it ("Quota exceeded"), so a refusal that passes gets
     *     OpenAI's rate-limit type ({@code requests}), which clients retry after its {@code Retry-After}
     */
    static String body(boolean anthropic, int status, String code, String message, boolean passes) {
        ObjectNode root = Json.mapper().createObjectNode();
        if (anthropic) {
            root.put("type", "error");
            ObjectNode err = root.putObject("error");
            err.put("type", anthropicType(status, code));
            err.put("message", message);
            err.put("code", code);
        } else {
            ObjectNode err = root.putObject("error");
            err.put("message", message);
            err.put("type", status == 429 && passes ? "requests" : openAiType(status));
            err.put("code", code);
            err.putNull("param");
        }
        return root.toString();
    }

    /** Anthropic's SDKs and Claude Code read the Anthropic error shape on these paths. */
    public static boolean isAnthropicRoute(String path) {
        return path.startsWith("/v1/messages") || path.startsWith("/anthropic/");
    }

    private static String openAiType(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 402, 429 -> "insufficient_quota";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }

    private static String anthropicType(int status, String code) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 504 -> "timeout_error";
            default -> status >= 500 ? ("upstream_unavailable".equals(code) ? "overloaded_error" : "api_error")
                    : "invalid_request_error";
        };
    }
}
