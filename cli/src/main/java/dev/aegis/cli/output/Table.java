package dev.aegis.cli.output;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain text table: a header row, columns padded to their widest cell (in terminal columns: a CJK
 * character takes two), numbers right-aligned; every cell escaped by {@link TerminalText}.
 */
public final class Table {

    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    public Table(String... headers) {
        this.headers = List.of(headers);
    }

    public Table row(Object... cells) {
        List<String> r = new ArrayList<>();
        for (Object c : cells) {
            r.add(c == null ? "-" : TerminalText.escape(c.toString()));
        }
        rows.add(r);
        return this;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    public void print(PrintWriter out) {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = TerminalText.width(headers.get(i));
            for (List<String> r : rows) {
                widths[i] = Math.max(widths[i], TerminalText.width(r.get(i)));
            }
        }
        line(out, headers, widths, false);
        for (List<String> r : rows) {
            line(out, r, widths, true);
        }
    }

    private static void line(PrintWriter out, List<String> cells, int[] widths, boolean alignNumbers) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            boolean number = alignNumbers && c.matches("[-+]?[0-9.,$]+");
            String pad = " ".repeat(widths[i] - TerminalText.width(c));
            sb.append(number ? pad + c : c + pad);
            if (i < cells.size() - 1) {
                sb.append("  ");
            }
        }
        out.println(sb.toString().stripTrailing());
    }
}
