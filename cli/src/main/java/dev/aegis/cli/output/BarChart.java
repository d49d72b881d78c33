package dev.aegis.cli.output;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/** A horizontal bar chart of values per label (escaped by {@link TerminalText}), scaled to the terminal width. */
public final class BarChart {

    /** One bar. */
    public record Bar(String label, BigDecimal value, String text) {
        public Bar {
            label = TerminalText.escape(label);
        }
    }

    private BarChart() {}

    public static void print(PrintWriter out, List<Bar> bars, int width) {
        if (bars.isEmpty()) {
            return;
        }
        int labelWidth = Math.min(30, bars.stream().mapToInt(b -> b.label().length()).max().orElse(1));
        int textWidth = bars.stream().mapToInt(b -> b.text().length()).max().orElse(1);
        int barWidth = Math.max(10, width - labelWidth - textWidth - 4);
        BigDecimal max = bars.stream().map(Bar::value).reduce(BigDecimal.ZERO, BigDecimal::max);
        for (Bar b : bars) {
            int eighths = max.signum() == 0 ? 0 : b.value().multiply(BigDecimal.valueOf(barWidth * 8L))
                    .divide(max, 0, RoundingMode.HALF_UP).intValue();
            String label = b.label().length() > labelWidth ? b.label().substring(0, labelWidth - 1) + "…" : b.label();
            out.println(String.format("%-" + labelWidth + "s  %s%s  %s", label, bar(eighths),
                    " ".repeat(Math.max(0, barWidth - (eighths + 7) / 8)), b.text()));
        }
    }

    private static String bar(int eighths) {
        String partial = " ▏▎▍▌▋▊▉";
        StringBuilder sb = new StringBuilder("█".repeat(eighths / 8));
        if (eighths % 8 > 0) {
            sb.append(partial.charAt(eighths % 8));
        }
        return sb.toString();
    }
}
