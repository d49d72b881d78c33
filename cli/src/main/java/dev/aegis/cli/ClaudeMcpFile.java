package dev.aegis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Claude Code's project MCP file ({@code .mcp.json}): {@code aegis env claude --mcp} puts the
 * gateway's servers in it as {@code mcpServers.aegis_<name>} (type {@code http}, the key as
 * {@code ${AEGIS_API_KEY}}, which Claude Code expands when it starts), replacing the {@code aegis_}
 * entries written before and keeping every other entry.
 */
public final class ClaudeMcpFile {

    private ClaudeMcpFile() {}

    /** The file's {@code aegis_} entries: name -> URL (empty when the file or the entries are missing). */
    public static Map<String, String> entries(Path file) throws IOException {
        Map<String, String> out = new java.util.TreeMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        JsonNode root = Json.mapper().readTree(file.toFile());
        if (root != null) {
            root.path("mcpServers").properties().forEach(e -> {
                if (e.getKey().startsWith(McpClientEntries.PREFIX)) {
                    out.put(e.getKey(), e.getValue().path("url").asText());
                }
            });
        }
        return out;
    }

    /** Writes the entries into the file, atomically. */
    public static void merge(Path file, Map<String, String> entries) {
        try {
            ObjectNode root;
            if (Files.exists(file)) {
                JsonNode existing = Json.mapper().readTree(file.toFile());
                if (!(existing instanceof ObjectNode o)) {
                    throw new CliException(file + " is not a JSON object; nothing was written");
                }
                root = o;
            } else {
                root = Json.mapper().createObjectNode();
            }
            JsonNode servers = root.path("mcpServers");
            ObjectNode mcpServers = servers instanceof ObjectNode o ? o : root.putObject("mcpServers");
            mcpServers.properties().removeIf(e -> e.getKey().startsWith(McpClientEntries.PREFIX));
            entries.forEach((name, url) -> {
                ObjectNode entry = mcpServers.putObject(name);
                entry.put("type", "http");
                entry.put("url", url);
                entry.putObject("headers").put("Authorization", "Bearer ${" + ClientSetup.KEY_VARIABLE + "}");
            });
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, ".mcp", ".json");
            Files.writeString(temp, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n",
                    StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CliException("cannot update " + file + ": " + e.getMessage());
        }
    }
}
