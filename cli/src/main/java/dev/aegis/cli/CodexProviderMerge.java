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
        JsonNode before = parse(existing, "is not valid TOML");
        List<String> kept = new ArrayList<>();
        boolean inAegis = false;
        for (String line : existing.split("\n", -1)) {
            if (line.strip().startsWith("[")) {
                inAegis = isAegisHeader(line);
            }
            if (!inAegis) {
                kept.add(line);
            }
        }
        while (!kept.isEmpty() && kept.getLast().isBlank()) {
            kept.removeLast();
        }
        String merged = (kept.isEmpty() ? "" : String.join("\n", kept) + "\n\n") + table;
        JsonNode after = parse(merged, "defines model_providers.aegis in a form aegis cannot replace (an inline table?)");
        if (!withoutAegis(before).equals(withoutAegis(after)) || !after.at("/model_providers/aegis").equals(parse(table, "").at("/model_providers/aegis"))) {
            throw new Refused("defines model_providers.aegis in a form aegis cannot replace (an inline table?)");
        }
        return merged;
    }

    static boolean isAegisHeader(String line) {
        Matcher m = HEADER.matcher(line);
        if (!m.matches()) {
            return false;
        }
        List<String> keys = new ArrayList<>();
        Matcher k = KEY_PART.matcher(m.group(1));
        while (k.find()) {
            keys.add(unquote(k.group()));
        }
        return keys.size() >= 2 && keys.get(0).equals("model_providers") && keys.get(1).equals("aegis");
    }

    private static String unquote(String key) {
        if (key.startsWith("\"")) {
            return key.substring(1, key.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        return key.startsWith("'") ? key.substring(1, key.length() - 1) : key;
    }

    private static JsonNode withoutAegis(JsonNode tree) {
        JsonNode copy = tree.deepCopy();
        if (copy.path("model_providers") instanceof ObjectNode providers) {
            providers.remove("aegis");
            if (providers.isEmpty()) {
                ((ObjectNode) copy).remove("model_providers");
            }
        }
        return copy;
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
