package dev.aegis.cli.commands;

import dev.aegis.cli.CliContext;
import dev.aegis.cli.CliException;
import dev.aegis.cli.ExitCode;
import dev.aegis.cli.Stores;
import dev.aegis.cli.daemon.DaemonClient;
import dev.aegis.cli.output.BarChart;
import dev.aegis.cli.output.SystemTerminal;
import dev.aegis.cli.output.Table;
import dev.aegis.cli.output.TerminalText;
import dev.aegis.config.Units;
import dev.aegis.store.Database;
import dev.aegis.store.UsageFilter;
import dev.aegis.store.UsageGroup;
import dev.aegis.store.UsageQueries;
import dev.aegis.store.UsageReport;
import dev.aegis.store.UsageTotals;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code aegis usage}: requests, tokens and cost per group and in total. */
@Command(
        name = "usage",
        mixinStandardHelpOptions = true,
        description = {"Cost report: requests, tokens and USD per group and in total.",
            "Tokens: input, cached input, cache writes, output and reasoning; the cache-hit rate is cached input / input.",
            "Works whether or not the daemon runs."})
public final class UsageCommand implements Callable<Integer> {

    /** Output formats. */
    public enum Format { table, json, csv }

    private final CliContext context;

    @Option(names = "--since", paramLabel = "7d|DATE", defaultValue = "30d",
            description = "Start: a duration back from now (7d, 12h) or a date (default: ${DEFAULT-VALUE}).")
    String since;

    @Option(names = "--until", paramLabel = "DATE", description = "End (a date includes that whole day). Default: now.")
    String until;

    @Option(names = "--key", paramLabel = "ID", description = "Only this key.")
    String key;

    @Option(names = "--tenant", paramLabel = "T", description = "Only this tenant.")
    String tenant;

    @Option(names = "--run", paramLabel = "R", description = "Only this run (x-run-id).")
    String run;

    @Option(names = "--model", paramLabel = "M", description = "Only this model (as asked or as served).")
    String model;

    @Option(names = "--by", paramLabel = "key|model|day|tenant|run|provider|session|client|agent", defaultValue = "model",
            description = {"Group by (default: ${DEFAULT-VALUE}). session, client and agent are what coding agents send",
                "(Claude Code's session and sub-agent, Codex's session and originator)."})
    String by;

    @Option(names = "--format", paramLabel = "table|json|csv", defaultValue = "table",
            description = "Output format (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--json", description = "Same as --format json.")
    boolean json;

    @Option(names = "--chart", description = "Draw a bar chart of cost per group.")
    boolean chart;

    public UsageCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        UsageGroup group = UsageGroup.parse(by)
                .orElseThrow(() -> CliException.usage("--by must be one of " + UsageGroup.names()));
        Instant now = Instant.now();
        UsageFilter filter;
        try {
            filter = new UsageFilter(Units.instant(since, now, false).toEpochMilli(),
                    until == null ? null : Units.instant(until, now, true).toEpochMilli(), key, tenant, run, model);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
        if (filter.untilMillis() != null && filter.untilMillis() <= filter.sinceMillis()) {
            throw CliException.usage("--until (" + until + ") is not after --since (" + since + "): no time between them");
        }
        if (json && format != Format.table && format != Format.json) {
            throw CliException.usage("--json and --format " + format + " ask for two formats: give one");
        }
        UsageReport report;
        // Rows are written in the background: a call answered just before this report is in it.
        DaemonClient.flushRecords(context.home(), java.time.Duration.ofSeconds(2));
        try (Database db = Stores.open(context)) {
            report = new UsageQueries(db).report(filter, group);
        }
        PrintWriter out = context.out();
        switch (json ? Format.json : format) {
            case json -> out.println(TerminalText.json(report.toJson()));
            case csv -> csv(out, report);
            case table -> table(out, report);
        }
        return ExitCode.OK;
    }

    private void table(PrintWriter out, UsageReport report) {
        if (report.groups().isEmpty()) {
            out.println("No calls in this period.");
            return;
        }
        boolean byKey = report.by() == UsageGroup.KEY;
        List<String> headers = new java.util.ArrayList<>(List.of(report.by().label().toUpperCase(java.util.Locale.ROOT)));
        if (byKey) {
            headers.add("NAME");
        }
        headers.addAll(List.of("REQUESTS", "INPUT", "CACHED", "CACHE_WRITE", "OUTPUT", "REASONING", "COST_USD", "CACHE_HIT"));
        Table t = new Table(headers.toArray(String[]::new));
        for (UsageTotals g : report.groups()) {
            t.row(cells(g, byKey, report.keyName(g)));
        }
        t.row(cells(report.total(), byKey, ""));
        t.print(out);
        if (chart) {
            out.println();
            BarChart.print(out, report.groups().stream()
                    .map(g -> new BarChart.Bar(label(report, g), g.costUsd(), "$" + usd(g)))
                    .toList(), terminalWidth());
        }
    }

    /** A group's cells; grouped by key, the key's name beside its id. */
    private static Object[] cells(UsageTotals g, boolean byKey, String keyName) {
        List<Object> cells = new java.util.ArrayList<>(List.of(g.group()));
        if (byKey) {
            cells.add(keyName);
        }
        cells.addAll(List.of(g.requests(), g.input(), g.cachedInput(), g.cacheWrite(), g.output(), g.reasoning(), usd(g),
                percent(g.cacheHitRate())));
        return cells.toArray();
    }

    /** A cache-hit rate as a percentage to one decimal ({@code 23.8%}); {@code -} without input. */
    private static String percent(java.math.BigDecimal rate) {
        return rate == null ? "-" : rate.movePointRight(2).setScale(1, java.math.RoundingMode.HALF_UP).toPlainString() + "%";
    }

    /** A group's label in the chart: a key's id and name. */
    private static String label(UsageReport report, UsageTotals g) {
        String name = report.keyName(g);
        return name == null ? g.group() : g.group() + " " + name;
    }

    private static String usd(UsageTotals g) {
        return g.costUsd().setScale(6, java.math.RoundingMode.HALF_UP).toPlainString();
    }

    /** CSV; grouped by key, a {@code key_name} column after the group. */
    private static void csv(PrintWriter out, UsageReport report) {
        boolean byKey = report.by() == UsageGroup.KEY;
        out.println("group," + (byKey ? "key_name," : "")
                + "requests,input,cached_input,cache_write,output,reasoning,cost_usd,cache_hit_rate");
        for (UsageTotals g : report.groups()) {
            out.println(csvField(g.group()) + (byKey ? "," + csvField(report.keyName(g)) : "") + "," + csvLine(g));
        }
        out.println("total" + (byKey ? "," : "") + "," + csvLine(report.total()));
    }

    /**
     * A text cell: terminal escapes escaped, and a value a caller chose (a run id, a model) that starts
     * like a formula ({@code = + - @}, a tab or a carriage return) led by {@code '}, so that a spreadsheet
     * opening the file shows it instead of evaluating it (OWASP's CSV injection advice).
     */
    private static String csvField(String value) {
        String field = value == null ? "" : TerminalText.escape(value);
        if (!field.isEmpty() && "=+-@\t\r".indexOf(field.charAt(0)) >= 0) {
            field = "'" + field;
        }
        if (field.contains(",") || field.contains("\"") || field.contains("\n")) {
            field = "\"" + field.replace("\"", "\"\"") + "\"";
        }
        return field;
    }

    /** The numbers of a CSV line. */
    private static String csvLine(UsageTotals g) {
        return String.join(",", List.of(String.valueOf(g.requests()), String.valueOf(g.input()),
                String.valueOf(g.cachedInput()), String.valueOf(g.cacheWrite()), String.valueOf(g.output()),
                String.valueOf(g.reasoning()), g.costUsd().stripTrailingZeros().toPlainString(),
                g.cacheHitRate() == null ? "" : g.cacheHitRate().toPlainString()));
    }

    private int terminalWidth() {
        return Math.max(40, SystemTerminal.columns(context.env(), 80));
    }
}
