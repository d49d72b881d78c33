package dev.aegis.cli;

import dev.aegis.config.AegisConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The gateway's MCP servers as a client should list them: one entry per configured server, named
 * {@code aegis_<server>}, at {@code <daemon>/mcp/<server>}, authenticated with the Aegis key read
 * from {@code $AEGIS_API_KEY} (the key itself is never written into a client's file).
 */
public final class McpClientEntries {

    /** What every entry's name starts with: the entries Aegis writes, replaces and checks. */
    public static final String PREFIX = "aegis_";

    private McpClientEntries() {}

    /** Entry name -> URL, in server-name order. */
    public static Map<String, String> of(AegisConfig config, String baseUrl) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String server : new TreeSet<>(config.mcp().servers().keySet())) {
            out.put(PREFIX + server, baseUrl + "/mcp/" + server);
        }
        return out;
    }

    /** Codex's TOML: one {@code [mcp_servers.aegis_<server>]} table each (Streamable HTTP, bearer token from the environment). */
    public static String codexTables(Map<String, String> entries) {
        StringBuilder out = new StringBuilder();
        entries.forEach((name, url) -> out.append("\n[mcp_servers.").append(name).append("]\n")
                .append("url = \"").append(url).append("\"\n")
                .append("bearer_token_env_var = \"").append(ClientSetup.KEY_VARIABLE).append("\"\n"));
        return out.toString();
    }
}
