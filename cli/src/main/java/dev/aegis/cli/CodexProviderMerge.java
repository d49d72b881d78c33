package dev.aegis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Merges the {@code [model_providers.aegis]} table into the text of a Codex {@code config.toml}:
 * the old aegis table (and its sub-tables) is dropped however its header is spelled — spaces,
 * quoted keys, a trailing comment — every other line is kept, and the result is parsed before
 * anything is written. When the old entry is in a form that cannot be cut out line by line (an
 * inline table), or the file is not valid TOML to begin with, the merge is refused with the reason.
 */
public final class CodexProviderMerge {

    private static final String KEY = "(?:[A-Za-z0-9_-]+|\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*')";
    /** A table header: {@code [ key . key ... ]} with an optional comment after it. */
    private static final Pattern HEADER = Pattern.compile("^\\s*\\[\\s*(" + KEY + "(?:\\s*\\.\\s*" + KEY + ")*)\\s*\\]\\s*(?:#.*)?$");
    private static final Pattern KEY_PART = Pattern.compile(KEY);

    private CodexProviderMerge() {}

    /** Why a merge was refused; the message says what to do. */
    public static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    /** The merged text: {@code existing} without its aegis provider, then {@code table}. */
    public static String merge(String existing, String table) throws Refused {
        return merge(existing, table, false);
    }

    /**
     * The merged text: {@code existing} without the tables Aegis owns, then {@code tables}.
     *
     * @param mcp whether Aegis's MCP servers ({@code [mcp_servers.aegis_*]}) are among the tables
     *     replaced (with {@code aegis init codex --mcp}); otherwise they are kept as they are
     */
    public static String merge(String existing, String tables, boolean mcp) throws Refused {
        JsonNode before = parse(existing, "is not valid TOML");
        List<String> kept = new ArrayList<>();
        boolean inAegis = false;
        for (String line : existing.split("\n", -1)) {
            if (line.strip().startsWith("[")) {
                inAegis = isAegisHeader(line, mcp);
            }
            if (!inAegis) {
                kept.add(line);
            }
        }
        while (!kept.isEmpty() && kept.getLast().isBlank()) {
            kept.removeLast();
        }
        String merged = (kept.isEmpty() ? "" : String.join("\n", kept) + "\n\n") + tables;
        JsonNode after = parse(merged, "defines model_providers.aegis in a form aegis cannot replace (an inline table?)");
        if (!withoutAegis(before, mcp).equals(withoutAegis(after, mcp))
                || !owned(after, mcp).equals(owned(parse(tables, ""), mcp))) {
            throw new Refused("defines model_providers.aegis in a form aegis cannot replace (an inline table?)");
        }
        return merged;
    }

    static boolean isAegisHeader(String line) {
        return isAegisHeader(line, false);
    }

    static boolean isAegisHeader(String line, boolean mcp) {
        Matcher m = HEADER.matcher(line);
        if (!m.matches()) {
            return false;
        }
        List<String> keys = new ArrayList<>();
        Matcher k = KEY_PART.matcher(m.group(1));
        while (k.find()) {
            keys.add(unquote(k.group()));
        }
        return keys.size() >= 2 && (keys.get(0).equals("model_providers") && keys.get(1).equals("aegis")
                || mcp && keys.get(0).equals("mcp_servers") && keys.get(1).startsWith(McpClientEntries.PREFIX));
    }

    private static String unquote(String key) {
        if (key.startsWith("\"")) {
            return key.substring(1, key.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        return key.startsWith("'") ? key.substring(1, key.length() - 1) : key;
    }

    private static JsonNode withoutAegis(JsonNode tree, boolean mcp) {
        JsonNode copy = tree.deepCopy();
        if (copy.path("model_providers") instanceof ObjectNode providers) {
            providers.remove("aegis");
            if (providers.isEmpty()) {
                ((ObjectNode) copy).remove("model_providers");
            }
        }
        if (mcp && copy.path("mcp_servers") instanceof ObjectNode servers) {
            servers.properties().removeIf(e -> e.getKey().startsWith(McpClientEntries.PREFIX));
            if (servers.isEmpty()) {
                ((ObjectNode) copy).remove("mcp_servers");
            }
        }
        return copy;
    }

    /** Only the tables Aegis owns: its provider, and with {@code mcp} its MCP servers. */
    private static JsonNode owned(JsonNode tree, boolean mcp) {
        ObjectNode out = new TomlMapper().createObjectNode();
        out.set("aegis", tree.at("/model_providers/aegis"));
        if (mcp) {
            ObjectNode servers = out.putObject("mcp");
            tree.path("mcp_servers").properties().forEach(e -> {
                if (e.getKey().startsWith(McpClientEntries.PREFIX)) {
                    servers.set(e.getKey(), e.getValue());
                }
            });
        }
        return out;
    }

    private static JsonNode parse(String text, String problem) throws Refused {
        try {
            JsonNode tree = new TomlMapper().readTree(text);
            return tree == null || tree.isMissingNode() ? new TomlMapper().createObjectNode() : tree;
        } catch (IOException e) {
            throw new Refused(problem);
        }
    }
}
