package dev.aegis.cli.output;

import com.fasterxml.jackson.databind.JsonNode;

/** One call as a terminal line (time, key, coding-agent session, model, provider, status, latency, tokens, cost, error), columns fitted to the width, coloured by status when asked; text escaped by {@link TerminalText}. */
public final class CallLine {

    private static final String RESET = "\u001b[0m";
    /** The width from which every column is shown (session and provider too). */
    static final int WIDE = 128;

    private final int width;
    private final boolean color;

    public CallLine(int width, boolean color) {
        this.width = Math.max(60, width);
        this.color = color;
    }

    public String format(JsonNode e) {
        int status = e.path("status").asInt();
        String time = text(e, "ts", "");
        time = time.length() >= 19 ? time.substring(11, 19) : time;
        String error = e.path("error").isNull() ? "" : text(e, "error", "");
        String keyName = e.path("key_name").isTextual() ? " " + text(e, "key_name", "") : "";
        String session = e.path("session").isTextual() ? text(e, "session", "-") : "-";
        String key = text(e, "key_id", "-") + keyName;
        String model = text(e, "model", "-");
        // Narrower than the whole line: the session and provider go, the key and model are cut shorter,
        // so that the status, tokens, cost and reason stay in view.
        // Caller-chosen text (key name, session, model) is fitted in terminal columns, so a wide character cannot push
        // the status, tokens and cost out of their place.
        String line = width >= WIDE
                ? String.format("%s  %s  %s  %s  %s  %3d  %7.0fms  %s", time, TerminalText.fit(key, 20),
                        TerminalText.fit(session, 14), TerminalText.fit(model, 22), TerminalText.fit(text(e, "provider", "-"), 9),
                        status, e.path("latency_ms").asDouble(), refusedUnbilled(e, error) ? error
                                : String.format("%6d→%-6d  $%-10s %s", e.path("input_tokens").asLong(),
                                        e.path("output_tokens").asLong(), cost(e), error))
                : String.format("%s  %s  %s  %3d %5.0fms %s", time, TerminalText.fit(key, 12), TerminalText.fit(model, 16),
                        status, e.path("latency_ms").asDouble(), refusedUnbilled(e, error) ? error
                                : String.format("%-11s $%-10s %s", e.path("input_tokens").asLong() + "→"
                                        + e.path("output_tokens").asLong(), cost(e), error));
        line = TerminalText.cut(line.stripTrailing(), width);
        if (!color) {
            return line;
        }
        String c = status >= 500 ? "\u001b[31m" : status >= 400 ? "\u001b[33m" : "\u001b[32m";
        return c + line + RESET;
    }

    /**
     * A call refused or failed before any token or cost: its reason takes the place of the empty tokens and cost,
     * which left it a column or two on a narrow line ("s…" for secret_detected at 80 columns).
     */
    private static boolean refusedUnbilled(JsonNode e, String error) {
        return !error.isEmpty() && e.path("input_tokens").asLong() == 0 && e.path("output_tokens").asLong() == 0
                && e.path("cost_usd").asDouble() == 0;
    }

    private static String cost(JsonNode e) {
        JsonNode cost = e.path("cost_usd");
        return cost.isNumber() ? dev.aegis.json.JsonMoney.plain(cost.decimalValue()) : text(e, "cost_usd", "0");
    }

    private static String text(JsonNode e, String field, String missing) {
        return TerminalText.escape(e.path(field).asText(missing));
    }

}
