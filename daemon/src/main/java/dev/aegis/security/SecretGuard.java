package dev.aegis.security;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.aegis.config.SecretsConfig;
import dev.aegis.http.ApiException;
import dev.aegis.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Scans every string of a request body — messages, system and developer text, instructions, tool
 * outputs fed back to the model ({@code function_call_output}, {@code tool_result}, chat {@code tool}
 * messages) — for secrets, before anything leaves the machine. {@code block}: 403
 * {@code secret_detected} naming the kind and the JSON path, never the value. {@code redact}: each
 * secret replaced by {@code [REDACTED:<kind>]}, the rest forwarded.
 */
public final class SecretGuard {

    private static final JsonFactory FACTORY = new JsonFactory();

    /** Scanners per config (the config can be reloaded; the same one is reused while it stands). */
    private final Map<SecretsConfig, SecretScanner> scanners = new ConcurrentHashMap<>();

    private SecretScanner scanner(SecretsConfig config) {
        return scanners.computeIfAbsent(config, c -> {
            List<SecretKind> kinds = new ArrayList<>(SecretKind.BUILT_IN);
            for (String regex : c.extraPatterns()) {
                kinds.add(new SecretKind("custom", List.of(""), Pattern.compile(regex), false));
            }
            return new SecretScanner(kinds, new HashSet<>(c.allow()));
        });
    }

    /**
     * The body to forward: unchanged when clean, redacted in redact mode.
     *
     * @throws ApiException 403 {@code secret_detected} in block mode
     */
    public byte[] check(byte[] body, SecretsConfig config) {
        if (config.mode().equals("off")) {
            return body;
        }
        SecretScanner scanner = scanner(config);
        boolean found = false;
        try (JsonParser p = FACTORY.createParser(body)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.VALUE_STRING) {
                    List<SecretScanner.Finding> findings = scanner.scan(p.getText());
                    if (!findings.isEmpty()) {
                        if (config.mode().equals("block")) {
                            String path = p.getParsingContext().pathAsPointer().toString();
                            throw new ApiException(403, "secret_detected", "the prompt holds a secret ("
                                    + findings.getFirst().kind() + " at " + (path.isEmpty() ? "/" : path)
                                    + "): Aegis blocked the call so it never leaves this machine. Remove it, or add it "
                                    + "to security.secrets.allow if it is not a secret.");
                        }
                        found = true;
                    }
                }
            }
        } catch (IOException e) {
            throw ApiException.invalidRequest("request body is not valid JSON");
        }
        return found ? redact(body, scanner) : body;
    }

    private static byte[] redact(byte[] body, SecretScanner scanner) {
        try {
            JsonNode root = Json.mapper().readTree(body);
            return Json.mapper().writeValueAsBytes(redact(root, scanner));
        } catch (IOException e) {
            throw ApiException.invalidRequest("request body is not valid JSON");
        }
    }

    private static JsonNode redact(JsonNode node, SecretScanner scanner) {
        if (node.isTextual()) {
            List<SecretScanner.Finding> findings = scanner.scan(node.textValue());
            return findings.isEmpty() ? node : TextNode.valueOf(SecretScanner.redact(node.textValue(), findings));
        }
        if (node instanceof ObjectNode obj) {
            obj.properties().forEach(e -> e.setValue(redact(e.getValue(), scanner)));
        } else if (node instanceof ArrayNode arr) {
            for (int i = 0; i < arr.size(); i++) {
                arr.set(i, redact(arr.get(i), scanner));
            }
        }
        return node;
    }
}
