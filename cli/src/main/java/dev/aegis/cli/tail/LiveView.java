package dev.aegis.cli.tail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.cli.output.CallLine;
import dev.aegis.cli.output.TerminalText;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.NonBlockingReader;

/**
 * {@code aegis tail} on a terminal: a full-screen live view. A header with the last minute's calls,
 * spend, errors and median latency; the calls scrolling below, newest at the bottom; filters typed
 * live ({@code k} key, {@code m} model, {@code s} status, {@code c} clears them); resizes followed;
 * {@code q} (or Ctrl-C) quits and gives the terminal back as it was (alternate screen left, cursor
 * shown, modes restored).
 *
 * <p>Events arrive on another thread ({@link #show}); the screen is redrawn by {@link #run}'s
 * thread at most ten times a second, through jline's {@link Display}, which rewrites only what changed.
 */
public final class LiveView {

    private static final int HISTORY = 2_000;
    private static final int FRAME_MS = 100;
    private static final String HELP = "q quit · k key · m model · s status (2xx, 4xx, 5xx) · c clear filters";

    private final Terminal terminal;
    private final boolean color;
    private final RecentCalls recent = new RecentCalls();
    private final long openedMillis = System.currentTimeMillis();
    private final Deque<JsonNode> history = new ArrayDeque<>();
    private TailFilter filter;
    private String connection = "connecting…";
    /** The filter being typed ({@code key}, {@code model}, {@code status}), or null. */
    private String editing;
    private final StringBuilder typed = new StringBuilder();
    private volatile boolean quit;
    private Display display;
    private Size size;

    public LiveView(Terminal terminal, TailFilter filter, boolean color) {
        this.terminal = terminal;
        this.filter = filter;
        this.color = color;
    }

    /** A call the daemon served (any thread). */
    public void show(JsonNode event) {
        synchronized (this) {
            history.addLast(event);
            if (history.size() > HISTORY) {
                history.removeFirst();
            }
        }
        recent.add(event, System.currentTimeMillis());
    }

    /** How the connection to the daemon stands (any thread): "waiting for the daemon", ... */
    public synchronized void status(String message) {
        connection = message;
    }

    /** The daemon answered (any thread): live, before any call comes, and again after a reconnect. */
    public synchronized void connected() {
        connection = "live";
    }

    /** Shows the view until the user quits; the terminal is restored whatever happens. */
    public void run() {
        Attributes saved = terminal.enterRawMode();
        Terminal.SignalHandler winch = terminal.handle(Terminal.Signal.WINCH, s -> resized());
        Terminal.SignalHandler interrupt = terminal.handle(Terminal.Signal.INT, s -> quit = true);
        terminal.puts(Capability.enter_ca_mode);
        terminal.puts(Capability.keypad_xmit);
        terminal.puts(Capability.cursor_invisible);
        terminal.flush();
        display = new Display(terminal, true);
        resized();
        try {
            NonBlockingReader in = terminal.reader();
            while (!quit) {
                int c = in.read(FRAME_MS);
                if (c == NonBlockingReader.EOF) {
                    break;
                }
                if (c >= 0) {
                    key(c);
                }
                redraw();
            }
        } catch (IOException e) {
            // the terminal went away: nothing left to show on
        } finally {
            terminal.handle(Terminal.Signal.WINCH, winch);
            terminal.handle(Terminal.Signal.INT, interrupt);
            terminal.puts(Capability.cursor_visible);
            terminal.puts(Capability.keypad_local);
            terminal.puts(Capability.exit_ca_mode);
            terminal.setAttributes(saved);
            terminal.flush();
        }
    }

    private synchronized void key(int c) {
        if (editing == null) {
            switch (c) {
                case 'q', 'Q', 3 -> quit = true;
                case 'k' -> edit("key", filter.key());
                case 'm' -> edit("model", filter.model());
                case 's' -> edit("status", filter.status());
                case 'c' -> filter = TailFilter.NONE;
                default -> { }
            }
            return;
        }
        switch (c) {
            case '\r', '\n' -> {
                String value = typed.toString();
                filter = switch (editing) {
                    case "key" -> filter.withKey(value);
                    case "model" -> filter.withModel(value);
                    default -> filter.withStatus(value);
                };
                editing = null;
            }
            case 27 -> editing = null;
            case 127, 8 -> {
                if (!typed.isEmpty()) {
                    typed.setLength(typed.length() - 1);
                }
            }
            case 3 -> quit = true;
            default -> {
                if (c >= 32 && typed.length() < 200) {
                    typed.appendCodePoint(c);
                }
            }
        }
    }

    private void edit(String field, String current) {
        editing = field;
        typed.setLength(0);
        if (current != null) {
            typed.append(current);
        }
    }

    private synchronized void resized() {
        size = terminal.getSize();
        if (display != null) {
            display.resize(Math.max(1, size.getRows()), Math.max(1, size.getColumns()));
            display.clear();
        }
    }

    private void redraw() {
        List<AttributedString> screen = screen(System.currentTimeMillis());
        synchronized (this) {
            display.update(screen, size.cursorPos(Math.max(0, size.getRows() - 1), 0));
        }
    }

    /** The whole screen: header, the calls that match the filter (newest last), the help or the filter being typed. */
    synchronized List<AttributedString> screen(long nowMillis) {
        int rows = Math.max(3, size.getRows());
        int cols = Math.max(20, size.getColumns());
        List<AttributedString> lines = new ArrayList<>(rows);
        // The connection and the filter first: a narrow terminal cuts the line's end, and a filter out of view
        // made a filtered screen look like one without calls.
        AttributedStringBuilder header = new AttributedStringBuilder()
                .style(AttributedStyle.BOLD).append("aegis tail").style(AttributedStyle.DEFAULT)
                .append(" [").append(TerminalText.escape(connection)).append(']');
        String filters = filter.describe();
        if (!filters.isEmpty()) {
            header.append("  filter: ").append(TerminalText.escape(filters));
        }
        // The calls it has seen: within its first minute, those since it opened, not the whole minute's.
        header.append(nowMillis - openedMillis < 60_000 ? "  since opened: " : "  last minute: ")
                .append(recent.summary(nowMillis).line());
        lines.add(header.toAttributedString().columnSubSequence(0, cols));

        CallLine format = new CallLine(cols, color);
        List<AttributedString> calls = new ArrayList<>();
        var newestFirst = history.descendingIterator();
        while (newestFirst.hasNext() && calls.size() < rows - 2) {
            JsonNode e = newestFirst.next();
            if (filter.matches(e)) {
                calls.addFirst(AttributedString.fromAnsi(format.format(e)).columnSubSequence(0, cols));
            }
        }
        while (lines.size() + calls.size() < rows - 1) {
            lines.add(AttributedString.EMPTY);
        }
        lines.addAll(calls);

        String footer = editing == null ? HELP
                : editing + " filter: " + TerminalText.escape(typed.toString()) + "_   (Enter applies, empty clears, Esc cancels)";
        lines.add(new AttributedString(footer, AttributedStyle.DEFAULT.faint()).columnSubSequence(0, cols));
        return lines;
    }
}
