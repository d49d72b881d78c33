package dev.aegis.cli.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The chat completion request the benchmark sends, as exact bytes: a system and a user message, the
 * user's padded with code-like text (no secrets in it) until the body reaches the size asked for,
 * as an agent's prompt carrying files would.
 */
public final class BenchRequest {

    /** The body size when none is asked for: a short chat turn. */
    public static final int DEFAULT_BODY_BYTES = 200;

    private static final String FILLER = "    for (int i = 0; i < items.size(); i++) { total += items.get(i).price() * "
            + "rate; } // sum the prices\\n";

    private BenchRequest() {}

    /**
     * @param bearer the key sent in {@code Authorization}; null sends none (the direct call)
     * @param bodyBytes the body's size in bytes (at least what the fixed fields take)
     */
    public static byte[] chat(int port, String bearer, boolean stream, int bodyBytes) {
        byte[] body = body(stream, bodyBytes);
        StringBuilder head = new StringBuilder(256)
                .append("POST /v1/chat/completions HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\n")
                .append("Content-Type: application/json\r\n")
                .append("Accept: ").append(stream ? "text/event-stream" : "application/json").append("\r\n")
                .append("User-Agent: aegis-bench\r\n");
        if (bearer != null) {
            head.append("Authorization: Bearer ").append(bearer).append("\r\n");
        }
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(head.length() + body.length);
        out.writeBytes(head.toString().getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** The body alone: a chat request of {@code bodyBytes} bytes. */
    public static byte[] body(boolean stream, int bodyBytes) {
        String prefix = "{\"model\":\"gpt-4o-mini\"," + (stream ? "\"stream\":true," : "")
                + "\"max_tokens\":64,\"messages\":[{\"role\":\"system\",\"content\":\"You are a careful coding agent.\"},"
                + "{\"role\":\"user\",\"content\":\"Add up the prices in this file:\\n";
        String suffix = "\"}]}";
        int room = bodyBytes - prefix.length() - suffix.length();
        StringBuilder text = new StringBuilder(Math.max(0, room));
        while (text.length() + FILLER.length() <= room) {
            text.append(FILLER);
        }
        while (text.length() < room) {
            text.append('.');
        }
        return (prefix + text + suffix).getBytes(StandardCharsets.UTF_8);
    }
}
