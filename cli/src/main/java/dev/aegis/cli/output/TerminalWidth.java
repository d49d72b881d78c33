package dev.aegis.cli.output;

import java.util.Map;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * How wide the terminal the CLI prints to is, asked of the terminal itself through jline (shells
 * do not export {@code COLUMNS}), then {@code COLUMNS}, then the caller's fallback for a pipe or a
 * dumb terminal.
 *
 * <p>jline's system terminal is built once and never closed: closing it closes the process's
 * standard output with it, after which every line the command printed vanished (seen: {@code aegis
 * tail} showed nothing in a real terminal while the same command piped to a file worked).
 */
public final class TerminalWidth {

    private static Terminal terminal;
    private static boolean asked;

    private TerminalWidth() {}

    /** The width in columns: the terminal's, else {@code COLUMNS}, else {@code fallback}. */
    public static int columns(Map<String, String> env, int fallback) {
        int width = System.console() != null ? terminalColumns() : 0;
        if (width > 0) {
            return width;
        }
        try {
            int columns = Integer.parseInt(env.getOrDefault("COLUMNS", ""));
            return columns > 0 ? columns : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static synchronized int terminalColumns() {
        if (!asked) {
            asked = true;
            try {
                terminal = TerminalBuilder.builder().system(true).dumb(true).build();
            } catch (java.io.IOException | RuntimeException e) {
                terminal = null;
            }
        }
        if (terminal == null || Terminal.TYPE_DUMB.equals(terminal.getType())
                || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType())) {
            return 0;
        }
        return terminal.getWidth();
    }
}
