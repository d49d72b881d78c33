package dev.aegis.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/** A provider's error body in the other protocol's shape, keeping its message and kind. */
public final class ErrorBodies {

    private static final int MAX_MESSAGE = 2_000;

    private ErrorBodies() {}

    /** Anthropic {@code {"type":"error","error":{"type","message"}}} to OpenAI {@code {"error":{...}}}. */
    public static byte[] toOpenAi(byte[] body, int status) {
        JsonNode root = Translated.parse(body);
        JsonNode error = root.path("error");
        ObjectNode out = Translated.object();
        out.putObject("error")
                .put("message", message(error, body))
                .put("type", error.path("type").asText(status >= 500 ? "server_error" : "invalid_request_error"))
                .putNull("code")
                .putNull("param");
        return Translated.bytes(out);
    }

    /** OpenAI {@code {"error":{"message","type","code"}}} to Anthropic {@code {"type":"error","error":{...}}}. */
    public static byte[] toAnthropic(byte[] body, int status) {
        JsonNode error = Translated.parse(body).path("error");
        ObjectNode out = Translated.object().put("type", "error");
        out.putObject("error").put("type", quotaGone(error) ? "billing_error" : anthropicType(status))
                .put("message", message(error, body));
        return Translated.bytes(out);
    }

    private static String message(JsonNode error, byte[] body) {
        if (error.path("message").isTextual()) {
            return error.path("message").asText();
        }
        String text = new String(body, StandardCharsets.UTF_8).strip();
        return text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) : text;
    }

    /**
     * OpenAI's {@code insufficient_quota} (sent with 429): the account is out of credit, which waiting
     * does not mend, so it is Anthropic's {@code billing_error}, not its {@code rate_limit_error}.
     */
    private static boolean quotaGone(JsonNode error) {
        return "insufficient_quota".equals(error.path("code").asText())
                || "insufficient_quota".equals(error.path("type").asText());
    }

    private static String anthropicType(int status) {
        return switch (status) {
            case 400, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }
}
