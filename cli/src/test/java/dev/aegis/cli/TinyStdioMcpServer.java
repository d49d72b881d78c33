package dev.aegis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A minimal stdio MCP server (one tool, {@code echo}) for the CLI's tests of {@code aegis mcp} and
 * {@code aegis doctor}; the gateway's own tests use servers built with the official SDK. With
 * {@code TINY_STDERR} set it first writes secrets to its stderr ({@link #STDERR}), then {@link #STDERR_DONE}.
 */
public final class TinyStdioMcpServer {

    static final String GITHUB = "ghp_0123456789abcdefghijklmnopqrstuvwxyz";
    static final String KEY_BODY = "MIIEpAIBAAKCAQEAaegisTestKeyBody0123456789abcdefghijklmnopqrstuv";
    /** A token on a short line, a private key across lines, a token where a long line is cut for the log. */
    static final String STDERR = "connecting with token " + GITHUB + "\n"
            + "-----BEGIN RSA PRIVATE KEY-----\n" + KEY_BODY + "\n" + KEY_BODY.toLowerCase(java.util.Locale.ROOT) + "==\n"
            + "-----END RSA PRIVATE KEY-----\n"
            + "x".repeat(480) + " " + GITHUB + "\n";
    static final String STDERR_DONE = "tiny stderr done";
    /** With {@code TINY_FLOOD_MB} set, a tools/call of echo with this text first writes {@link #flood} to stderr. */
    static final String FLOOD = "flood";
    static final String FLOOD_DONE = "tiny flood done";
    static final String FLOOD_KEY_BODY = "MIIEowIBAAKCAQEAfloodKeyBody9876543210zyxwvutsrqponmlkjihgfedcba";

    private TinyStdioMcpServer() {}

    /**
     * One stderr line of {@code mb} MB and more: tokens back to back over its first 256 KiB (so wherever the
     * daemon cuts the line, one straddles the cut), then {@code mb} MB without a newline, then a private
     * key's header ending the line and its body on the next lines, then {@link #FLOOD_DONE}.
     */
    /** With {@code TINY_STDOUT_FLOOD_MB} set, a tools/call of echo {@link #FLOOD} first writes a line of that many MB to stdout. */
    static void floodStdout(int mb) {
        byte[] chunk = "{\"x\":\"".concat("x".repeat(1 << 20)).substring(0, 1 << 20).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < mb; i++) {
            System.out.write(chunk, 0, chunk.length);
        }
        System.out.write('\n');
        System.out.flush();
    }

    static void flood(int mb) throws java.io.IOException {
        java.io.OutputStream err = new java.io.BufferedOutputStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), 1 << 16);
        byte[] tokens = (GITHUB + " ").repeat(256 * 1024 / (GITHUB.length() + 1)).getBytes(StandardCharsets.US_ASCII);
        err.write(tokens);
        byte[] block = "y".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < mb; i++) {
            err.write(block);
        }
        err.write((" -----BEGIN RSA PRIVATE KEY-----\n" + FLOOD_KEY_BODY + "\n-----END RSA PRIVATE KEY-----\n" + FLOOD_DONE + "\n")
                .getBytes(StandardCharsets.US_ASCII));
        err.flush();
    }

    public static void main(String[] args) throws Exception {
        if (System.getenv("TINY_STDERR") != null) {
            System.err.print(STDERR);
            System.err.println(STDERR_DONE);
            System.err.flush();
        }
        ObjectMapper json = new ObjectMapper();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            JsonNode msg = json.readTree(line);
            if (!msg.has("id") || !msg.has("method")) {
                continue;
            }
            ObjectNode out = json.createObjectNode().put("jsonrpc", "2.0");
            out.set("id", msg.get("id"));
            ObjectNode result = out.putObject("result");
            switch (msg.get("method").asText()) {
                case "initialize" -> {
                    result.put("protocolVersion", "2025-06-18");
                    result.putObject("capabilities").putObject("tools");
                    result.putObject("serverInfo").put("name", "tiny").put("version", "1");
                }
                case "tools/list" -> {
                    ObjectNode tool = result.putArray("tools").addObject().put("name", "echo").put("description", "echoes");
                    tool.putObject("inputSchema").put("type", "object");
                }
                case "tools/call" -> {
                    String text = msg.path("params").path("arguments").path("text").asText();
                    if (FLOOD.equals(text) && System.getenv("TINY_FLOOD_MB") != null) {
                        flood(Integer.parseInt(System.getenv("TINY_FLOOD_MB")));
                    }
                    if (FLOOD.equals(text) && System.getenv("TINY_STDOUT_FLOOD_MB") != null) {
                        floodStdout(Integer.parseInt(System.getenv("TINY_STDOUT_FLOOD_MB")));
                    }
                    result.putArray("content").addObject().put("type", "text")
                        .put("text", text);
                }
                default -> {
                }
            }
            System.out.println(json.writeValueAsString(out));
            System.out.flush();
        }
    }
}
