package dev.aegis.cli.commands;

import dev.aegis.cli.CliContext;
import dev.aegis.cli.CliException;
import dev.aegis.cli.run.CodexLaunch;
import dev.aegis.cli.ClientSetup;
import dev.aegis.cli.Stores;
import dev.aegis.cli.daemon.DaemonClient;
import dev.aegis.cli.daemon.DaemonLauncher;
import dev.aegis.cli.daemon.DaemonLocator;
import dev.aegis.cli.daemon.LaunchSpec;
import dev.aegis.cli.output.TerminalText;
import dev.aegis.cli.run.Bubblewrap;
import dev.aegis.config.AegisConfig;
import dev.aegis.config.ProviderConfig;
import dev.aegis.config.Setting;
import dev.aegis.config.Units;
import dev.aegis.keys.ApiKeys;
import dev.aegis.keys.NewKey;
import dev.aegis.store.Database;
import dev.aegis.store.SqlKeyStore;
import dev.aegis.store.UsageFilter;
import dev.aegis.store.UsageGroup;
import dev.aegis.store.UsageQueries;
import dev.aegis.store.UsageTotals;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code aegis run -- codex|claude|COMMAND}: launches an agent through the daemon with a key of its
 * own (its budget enforced), every call tagged with one run id, and prints the run's cost at the end.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {"Run a coding agent through Aegis and print the run's cost at the end.",
            "A key for this run (with --budget / --tokens enforced), one run id for all",
            "its calls, the client pointed here for this process only.",
            "Exit code: the agent's."})
public final class RunCommand implements Callable<Integer> {

    private final CliContext context;

    @Option(names = "--budget", paramLabel = "USD", converter = UsdAmount.class, description = "Credits for this run; calls are refused once spent.")
    BigDecimal budget;

    @Option(names = "--tokens", paramLabel = "N", description = "Tokens (input + output) for this run; a hard stop.")
    Long tokens;

    @Option(names = "--key", paramLabel = "KEY", description = {"Use this Aegis key instead of minting one for the run: its own credits",
        "and limits apply (not with --budget or --tokens)."})
    String key;

    @Option(names = "--no-isolate", description = {"Run the agent without bubblewrap: it can then read",
        "the Aegis home (keys, database) and the daemon's environment",
        "(provider keys). See docs/THREAT-MODEL.md."})
    boolean noIsolate;

    @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "codex, claude, or any command and its arguments.")
    List<String> command;

    public RunCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if (tokens != null && tokens <= 0) {
            throw CliException.usage("--tokens must be positive");
        }
        if (key != null && (budget != null || tokens != null)) {
            throw CliException.usage("--budget and --tokens are the limits of the key aegis run mints for the run; with"
                    + " --key the calls spend that key's own credits and limits: give --key or the limits, not both");
        }
        PrintWriter out = context.out();
        ensureDaemon(out);
        String url = ClientSetup.baseUrl(context);
        AegisConfig config = Stores.config(context);
        Optional<Bubblewrap> sandbox = noIsolate ? Optional.empty() : sandbox(config);
        // A key minted for a run (an earlier `aegis run`) may tag its calls with that run only: its run goes on.
        String runId = Optional.ofNullable(key).flatMap(this::runOfKey)
                .orElseGet(() -> "run-" + UUID.randomUUID().toString().substring(0, 8));
        String secret = key != null ? key : mintKey(runId);
        List<String> agent = clientCommand(url, runId);
        List<String> cmd = sandbox.map(b -> b.wrap(agent)).orElse(agent);
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        Map<String, String> env = pb.environment();
        env.clear();
        env.putAll(context.env());
        // The provider keys are the daemon's to send, not the agent's to read (OPENAI_API_KEY becomes the run's key).
        env.remove("ANTHROPIC_API_KEY");
        config.providers().values().stream().map(ProviderConfig::apiKeyEnv).filter(Objects::nonNull).forEach(env::remove);
        env.put("OPENAI_BASE_URL", url + "/v1");
        env.put("OPENAI_API_KEY", secret);
        env.put("ANTHROPIC_BASE_URL", url);
        env.put("ANTHROPIC_AUTH_TOKEN", secret);
        env.put(ClientSetup.KEY_VARIABLE, secret);
        env.put("AEGIS_RUN_ID", runId);
        // Claude Code sends these on every call (the user's own kept); Codex gets the header through its provider's
        // http_headers; other clients are tagged through the run's own key.
        env.put("ANTHROPIC_CUSTOM_HEADERS", customHeaders(context.env().get("ANTHROPIC_CUSTOM_HEADERS"), runId));
        out.println("aegis: run " + runId + " -> " + String.join(" ", command));
        out.flush();
        int exit;
        try {
            exit = pb.start().waitFor();
        } catch (IOException e) {
            throw new CliException("cannot run " + cmd.getFirst() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exit = 130;
        }
        summary(out, runId);
        return exit;
    }

    /**
     * Bubblewrap hiding the Aegis home (and the database and receipts when configured outside it) and
     * the daemon's process from the agent; none, after a one-line notice, where bwrap is missing or
     * cannot work here. Refuses a sandbox that would hide the working directory or the user's home.
     */
    private Optional<Bubblewrap> sandbox(AegisConfig config) {
        Path db = Database.file(config.storeUrl());
        List<Path> hide = db == null ? List.of(context.home().root(), config.audit().dir())
                : List.of(context.home().root(), config.audit().dir(), db,
                        db.resolveSibling(db.getFileName() + "-wal"), db.resolveSibling(db.getFileName() + "-shm"));
        Bubblewrap bwrap;
        try {
            bwrap = Bubblewrap.find(context.env().get("PATH"), hide);
        } catch (Bubblewrap.Unavailable e) {
            context.err().println("aegis: not isolated: " + e.getMessage() + "; the agent can read "
                    + context.home().root() + " and the daemon's environment (--no-isolate silences this)");
            context.err().flush();
            return Optional.empty();
        }
        String userHome = context.env().getOrDefault("HOME", System.getProperty("user.home"));
        for (Path needed : List.of(Path.of(System.getProperty("user.dir")), Path.of(userHome))) {
            bwrap.hiding(needed).ifPresent(h -> {
                throw new CliException("the agent would find " + needed + " empty: it lies in " + h
                        + ", which isolation hides; use an Aegis home of its own or pass --no-isolate");
            });
        }
        return Optional.of(bwrap);
    }

    private void ensureDaemon(PrintWriter out) {
        if (!new DaemonLocator(context.home()).locate().running()) {
            Duration wait = Units.duration(Setting.AEGIS_START_TIMEOUT.orDefault(context.env()));
            var state = new DaemonLauncher(context.home(), context.env()).startDetached(new LaunchSpec(null, null, null), wait);
            out.println("aegis: started the daemon at " + state.url());
        }
    }

    /** The run a given key was minted for, when it was; empty for any other key, or one this home does not know. */
    private Optional<String> runOfKey(String secret) {
        Optional<ApiKeys.Presented> presented = ApiKeys.parse(secret);
        if (presented.isEmpty()) {
            return Optional.empty();
        }
        try (Database db = Stores.open(context)) {
            return new SqlKeyStore(db, InstantSource.system()).find(presented.get().id()).map(k -> k.runId());
        } catch (CliException e) {
            return Optional.empty();
        }
    }

    private String mintKey(String runId) {
        try (Database db = Stores.create(context)) {
            ApiKeys.Minted minted = ApiKeys.mint();
            new SqlKeyStore(db, InstantSource.system()).create(new NewKey(runId, "default", false, List.of(), null, null,
                    InstantSource.system().instant().plus(Duration.ofDays(1)), budget, runId, tokens), minted);
            return minted.key();
        }
    }

    /**
     * Claude Code's extra headers ({@code Name: value} lines): the user's own, with this run's {@code x-run-id} in
     * place of any they set.
     */
    static String customHeaders(String users, String runId) {
        List<String> lines = new ArrayList<>();
        if (users != null) {
            for (String line : users.split("\\R")) {
                if (!line.isBlank() && !line.strip().toLowerCase(java.util.Locale.ROOT).startsWith("x-run-id:")) {
                    lines.add(line);
                }
            }
        }
        lines.add("x-run-id: " + runId);
        return String.join("\n", lines);
    }

    /**
     * Codex gets its provider through {@code -c} overrides (the user's config.toml is never edited), the run's id
     * among its {@code http_headers}, so its calls are the run's with a key given by {@code --key} too; run
     * directly or through a package runner ({@link CodexLaunch}).
     */
    private List<String> clientCommand(String url, String runId) {
        List<String> cmd = new ArrayList<>(command);
        int codexArguments = CodexLaunch.argumentsAt(cmd);
        if (codexArguments >= 0) {
            List<String> overrides = List.of("-c", "model_provider=\"aegis-run\"",
                    "-c", "model_providers.aegis-run.name=\"Aegis\"",
                    "-c", "model_providers.aegis-run.base_url=\"" + url + "/v1\"",
                    "-c", "model_providers.aegis-run.wire_api=\"responses\"",
                    "-c", "model_providers.aegis-run.env_key=\"" + ClientSetup.KEY_VARIABLE + "\"",
                    "-c", "model_providers.aegis-run.http_headers={ x-run-id = \"" + runId + "\" }");
            cmd.addAll(codexArguments, overrides);
        }
        return cmd;
    }

    private void summary(PrintWriter out, String runId) {
        // The daemon writes usage rows in the background: have it write the run's last ones first.
        DaemonClient.flushRecords(context.home(), java.time.Duration.ofSeconds(15));
        try (Database db = Stores.open(context)) {
            UsageQueries queries = new UsageQueries(db);
            UsageFilter ofRun = new UsageFilter(null, null, null, null, runId, null);
            UsageTotals t = queries.report(ofRun, UsageGroup.RUN).total();
            out.println("aegis: run " + runId + ": " + totals(t) + "   (details: aegis usage --run " + runId + ")");
            Map<String, Long> unpriced = queries.unpricedModelsOfRun(runId);
            if (!unpriced.isEmpty()) {
                // The run's cost and budget leave these out: say so rather than let $0 pass for the truth.
                out.println("aegis: warning: " + TerminalText.counted(unpriced.values().stream().mapToLong(Long::longValue).sum(),
                        "call") + " went to models without a price (" + TerminalText.escape(String.join(", ", unpriced.keySet()))
                        + "): counted at $0 and not held to --budget; set pricing.unknown: refuse to refuse them, or give"
                        + " them a price (docs/USAGE.md)");
            }
            // The sessions the agent opened in this run (Claude Code's and Codex's own session ids), each on a line.
            List<UsageTotals> sessions = queries.report(ofRun, UsageGroup.SESSION).groups().stream()
                    .filter(s -> !s.group().equals(UsageGroup.NO_GROUP)).toList();
            sessions.stream().limit(MAX_SESSIONS_SHOWN).forEach(s ->
                    out.println("aegis: session " + TerminalText.escape(s.group()) + ": " + totals(s)));
            if (sessions.size() > MAX_SESSIONS_SHOWN) {
                out.println("aegis: and " + (sessions.size() - MAX_SESSIONS_SHOWN) + " more sessions");
            }
            if (!sessions.isEmpty()) {
                out.println("aegis: (details: aegis usage --by session --run " + runId + ")");
            }
        }
    }

    /** Sessions listed at the end of a run, the costliest first. */
    private static final int MAX_SESSIONS_SHOWN = 10;

    private static String totals(UsageTotals t) {
        return TerminalText.counted(t.requests(), "call") + ", " + t.input() + " input tokens (" + t.cachedInput() + " cached"
                + (t.cacheHitRate() == null ? "" : ", " + t.cacheHitRate().movePointRight(2).setScale(1, RoundingMode.HALF_UP)
                        .toPlainString() + "% cache hits")
                + "), " + t.output() + " output tokens, $" + t.costUsd().setScale(6, RoundingMode.HALF_UP).toPlainString();
    }
}
