package dev.aegis.cli.tail;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Which calls {@code aegis tail} shows: a key id, a model and a status class ({@code 2xx},
 * {@code 4xx}, {@code 5xx}) or an exact status; each null when not set. The flags set the first
 * filter; the live view changes it as the user types.
 */
public record TailFilter(String key, String model, String status) {

    public static final TailFilter NONE = new TailFilter(null, null, null);

    public boolean matches(JsonNode e) {
        if (key != null && !key.equals(e.path("key_id").asText())) {
            return false;
        }
        if (model != null && !model.equals(e.path("model").asText())) {
            return false;
        }
        if (status != null) {
            String s = e.path("status").asText();
            return status.length() == 3 && status.endsWith("xx") ? s.charAt(0) == status.charAt(0) : s.equals(status);
        }
        return true;
    }

    /** A status filter this can match: a class {@code 1xx}–{@code 5xx}, or a status {@code 100}–{@code 599}. */
    public static boolean isStatus(String value) {
        String s = value.strip();
        return s.length() == 3 && s.charAt(0) >= '1' && s.charAt(0) <= '5'
                && (s.endsWith("xx") || (Character.isDigit(s.charAt(1)) && Character.isDigit(s.charAt(2))));
    }

    public TailFilter withKey(String value) {
        return new TailFilter(blankToNull(value), model, status);
    }

    public TailFilter withModel(String value) {
        return new TailFilter(key, blankToNull(value), status);
    }

    public TailFilter withStatus(String value) {
        return new TailFilter(key, model, blankToNull(value));
    }

    /** {@code key=… model=… status=…} for the set ones; empty when none is. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        append(sb, "key", key);
        append(sb, "model", model);
        append(sb, "status", status);
        return sb.toString();
    }

    private static void append(StringBuilder sb, String name, String value) {
        if (value != null) {
            sb.append(sb.isEmpty() ? "" : " ").append(name).append('=').append(value);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
