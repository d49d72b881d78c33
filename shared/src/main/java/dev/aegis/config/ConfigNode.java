package dev.aegis.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** A node of the config tree that knows its path, so every error it reports names where it is. */
final class ConfigNode {

    private final JsonNode node;
    private final String path;
    private final List<ConfigError> errors;

    ConfigNode(JsonNode node, String path, List<ConfigError> errors) {
        this.node = node;
        this.path = path;
        this.errors = errors;
    }

    String path() {
        return path;
    }

    List<ConfigError> errors() {
        return errors;
    }

    boolean isMissing() {
        return node == null || node.isMissingNode() || node.isNull();
    }

    boolean isList() {
        return node != null && node.isArray();
    }

    ConfigNode child(String name) {
        JsonNode c = node == null || !node.isObject() ? null : node.get(name);
        return new ConfigNode(c, path.isEmpty() ? name : path + "." + name, errors);
    }

    void error(String message) {
        errors.add(new ConfigError(path.isEmpty() ? "(root)" : path, message));
    }

    /** True when the node is absent or an object; otherwise records an error. */
    boolean expectObject() {
        if (isMissing() || node.isObject()) {
            return true;
        }
        error("must be a mapping");
        return false;
    }

    /** Records an error for every key of this object that is not in {@code known}. */
    void rejectUnknownKeys(Set<String> known) {
        if (isMissing() || !node.isObject()) {
            return;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                child(k).error("unknown key (expected one of " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    List<Map.Entry<String, ConfigNode>> entries() {
        List<Map.Entry<String, ConfigNode>> out = new ArrayList<>();
        if (!isMissing() && node.isObject()) {
            node.fieldNames().forEachRemaining(k -> out.add(Map.entry(k, child(k))));
        }
        return out;
    }

    List<ConfigNode> elements() {
        List<ConfigNode> out = new ArrayList<>();
        if (isMissing()) {
            return out;
        }
        if (!node.isArray()) {
            error("must be a list");
            return out;
        }
        for (int i = 0; i < node.size(); i++) {
            out.add(new ConfigNode(node.get(i), path + "[" + i + "]", errors));
        }
        return out;
    }

    String text(String fallback) {
        if (isMissing()) {
            return fallback;
        }
        if (!node.isValueNode()) {
            error("must be a single value");
            return fallback;
        }
        return node.asText();
    }

    int integer(int fallback, int min, int max) {
        if (isMissing()) {
            return fallback;
        }
        if (!node.canConvertToInt() || !(node.isIntegralNumber() || node.asText().matches("-?\\d+"))) {
            error("must be a whole number");
            return fallback;
        }
        int v = node.isIntegralNumber() ? node.intValue() : Integer.parseInt(node.asText());
        if (v < min || v > max) {
            error("must be between " + min + " and " + max);
            return fallback;
        }
        return v;
    }

    boolean bool(boolean fallback) {
        if (isMissing()) {
            return fallback;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        error("must be true or false");
        return fallback;
    }

    /** A non-negative decimal number (prices). */
    java.math.BigDecimal decimal(java.math.BigDecimal fallback) {
        if (isMissing()) {
            return fallback;
        }
        if (!node.isNumber()) {
            error("must be a number");
            return fallback;
        }
        java.math.BigDecimal v = node.decimalValue();
        if (v.signum() < 0) {
            error("must not be negative");
            return fallback;
        }
        return v;
    }

    Duration duration(Duration fallback) {
        return parsed(fallback, Units::duration);
    }

    long bytes(long fallback) {
        return parsed(fallback, Units::bytes);
    }

    private <T> T parsed(T fallback, Function<String, T> parser) {
        String t = text(null);
        if (t == null) {
            return fallback;
        }
        try {
            return parser.apply(t);
        } catch (IllegalArgumentException e) {
            error(e.getMessage());
            return fallback;
        }
    }
}
