package dev.aegis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A minimal stdio MCP server (one tool, {@code echo}) for the CLI's tests of {@code aegis mcp} and
 * {@code aegis doctor}; the gateway's own tests use servers built with the official SDK.
 */
public final class TinyStdioMcpServer {

    private TinyStdioMcpServer() {}

    public static void main(String[] args) throws Exception {
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
                case "tools/call" -> result.putArray("content").addObject().put("type", "text")
                        .put("text", msg.path("params").path("arguments").path("text").asText());
                default -> {
                }
            }
            System.out.println(json.writeValueAsString(out));
            System.out.flush();
        }
    }
}
