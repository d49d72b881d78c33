package dev.aegis.cli.output;

import java.util.Map;
import java.util.Optional;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The terminal the CLI runs in, built through jline once and never closed: closing jline's system
 * terminal closes the process's standard output with it, after which every line a command printed
 * vanished (seen: {@code aegis tail} showed nothing in a real terminal while the same command piped
 * to a file worked). Its width (shells do not export {@code COLUMNS}), and the terminal itself for
 * full-screen views.
 */
public final class SystemTerminal {

    private static Terminal terminal;
    private static boolean built;

    private SystemTerminal() {}

    /** The interactive terminal, or empty for a pipe, a file or a dumb terminal. */
    public static synchronized Optional<Terminal> interactive() {
        if (!built) {
            built = true;
            if (System.console() != null) {
                try {
                    terminal = TerminalBuilder.builder().system(true).dumb(true).build();
                } catch (java.io.IOException | RuntimeException e) {
                    terminal = null;
                }
            }
        }
        if (terminal == null || Terminal.TYPE_DUMB.equals(terminal.getType())
                || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType())) {
            return Optional.empty();
        }
        return Optional.of(terminal);
    }

    /** The width in columns: the terminal's, else {@code COLUMNS}, else {@code fallback}. */
    public static int columns(Map<String, String> env, int fallback) {
        int width = interactive().map(Terminal::getWidth).orElse(0);
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
}
