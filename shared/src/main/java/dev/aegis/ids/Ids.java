package dev.aegis.ids;

/**
 * What an id a caller or a user chooses may hold: a model, tenant, run, session or agent id, a client's name, or a key's name. At most
 * a given length, and only characters a terminal shows as themselves, so that an id can never break a
 * header, a log line or a table, nor replay an escape sequence into whoever reads the report.
 */
public final class Ids {

    /** The longest model id a call may name. */
    public static final int MODEL_MAX = 256;
    /** The longest tenant id ({@code x-tenant-id}, {@code keygen --tenant}). */
    public static final int TENANT_MAX = 128;
    /** The longest run id ({@code x-run-id}). */
    public static final int RUN_MAX = 128;
    /** The longest session id (Claude Code's {@code x-claude-code-session-id}, Codex's {@code session-id}, ...). */
    public static final int SESSION_MAX = 128;
    /** The longest agent id (Claude Code's {@code x-claude-code-agent-id}, a sub-agent). */
    public static final int AGENT_MAX = 128;
    /** The longest client name (Codex's {@code originator}). */
    public static final int CLIENT_MAX = 64;
    /** The longest key name ({@code keygen --name}). */
    public static final int NAME_MAX = 128;

    private Ids() {}

    /**
     * Why a value cannot be an id of at most {@code max} characters, or null when it can. Never quotes
     * the value: it may be what must not be shown.
     */
    public static String problem(String value, int max) {
        if (value.length() > max) {
            return "is longer than " + max + " characters";
        }
        for (int i = 0; i < value.length(); ) {
            int c = value.codePointAt(i);
            if (!printable(c)) {
                return String.format("holds a control or invisible character (U+%04X)", c);
            }
            i += Character.charCount(c);
        }
        return null;
    }

    /**
     * Whether a terminal shows a character as itself: not a control character (C0, DEL, C1), a format
     * character (bidirectional overrides, zero-width), a line or paragraph separator, a lone surrogate
     * or an unassigned code point.
     */
    public static boolean printable(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SURROGATE, Character.UNASSIGNED -> false;
            default -> true;
        };
    }
}
