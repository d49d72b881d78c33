package dev.aegis.cli.commands;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.cli.CliContext;
import dev.aegis.cli.CliException;
import dev.aegis.cli.DurationConverter;
import dev.aegis.cli.ExitCode;
import dev.aegis.cli.SecretsModeConverter;
import dev.aegis.cli.Stores;
import dev.aegis.cli.output.TerminalText;
import dev.aegis.config.SecretsMode;
import dev.aegis.ids.Ids;
import dev.aegis.keys.ApiKeys;
import dev.aegis.keys.KeyRecord;
import dev.aegis.keys.NewKey;
import dev.aegis.keys.SessionBudget;
import dev.aegis.store.Database;
import dev.aegis.store.SqlCreditLedger;
import dev.aegis.store.SqlKeyStore;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code aegis keygen}: mints a key, stores only its hash, prints the secret once. */
@Command(
        name = "keygen",
        mixinStandardHelpOptions = true,
        description = {"Mint an Aegis key. The secret is printed once and only its hash is stored.",
            "Works whether or not the daemon runs; a running daemon accepts the key within a second."})
public final class KeygenCommand implements Callable<Integer> {

    private final CliContext context;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "What the key is for (shown in lists and reports).")
    String name;

    @Option(names = "--tenant", paramLabel = "T", defaultValue = "default", description = "Tenant for budgets and reports (default: ${DEFAULT-VALUE}).")
    String tenant;

    @Option(names = "--sub-tenants", description = "The key may tag calls with x-tenant-id T/<anything> (a sub-tenant "
            + "of its tenant, sharing its tenant's budget); without it, x-tenant-id may only repeat T.")
    boolean subTenants;

    @Option(names = "--credits", paramLabel = "USD", converter = UsdAmount.class, description = "Credit balance in USD; calls are refused once it is spent. Default: no limit.")
    BigDecimal credits;

    @Option(names = "--rpm", paramLabel = "N", description = "Requests per minute for this key.")
    Integer rpm;

    @Option(names = "--tpm", paramLabel = "N", description = "Tokens per minute for this key (input + output). A call holds its"
            + " estimate while it runs (its prompt and output limit, 4096 without one), so calls sent at once share it.")
    Integer tpm;

    @Option(names = "--models", split = ",", paramLabel = "a,b", description = "Models this key may call (patterns like gpt-4o* allowed). Default: any.")
    List<String> models;

    @Option(names = "--expires", paramLabel = "DURATION", converter = DurationConverter.class, description = "Lifetime, e.g. 30d or 12h. Default: never expires.")
    Duration expires;

    @Option(names = "--tokens", paramLabel = "N", description = "Tokens (input + output) the key may use in its life; a hard stop (calls at the same moment on a team's several daemons can pass it: docs/TEAM.md).")
    Long tokens;

    @Option(names = "--session-tokens", paramLabel = "N", description = "Tokens (input + output) each coding-agent "
            + "session of this key may use (the session its client names: x-claude-code-session-id, session-id, ...); a hard stop"
            + " for that session. A call naming no session, or a new one, is not held to it: cap the key with --credits"
            + " or --tokens.")
    Long sessionTokens;

    @Option(names = "--session-budget", paramLabel = "USD", converter = UsdAmount.class, description = "USD each coding-agent session of this key may "
            + "spend; a hard stop for that session (not a cap on the key: see --credits).")
    BigDecimal sessionBudget;

    @Option(names = "--secrets", paramLabel = "MODE", converter = SecretsModeConverter.class,
            description = "What this key's prompts that hold a secret get: block (403), redact (forwarded with "
                    + "[REDACTED:<kind>]) or off. Overrides security.secrets.mode for this key. Default: the config's.")
    SecretsMode secrets;

    @Option(names = "--admin", description = "May use admin routes (all keys' costs, prompt log, live events).")
    boolean admin;

    @Option(names = "--json", description = "Print {\"id\", \"name\", \"key\", ...} as JSON; \"key\" is the secret.")
    boolean json;

    public KeygenCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if (name.isBlank()) {
            throw CliException.usage("--name must not be empty");
        }
        if (tenant.isBlank()) {
            throw CliException.usage("--tenant must not be empty");
        }
        requireId("--name", name.strip(), Ids.NAME_MAX);
        requireId("--tenant", tenant.strip(), Ids.TENANT_MAX);
        if (credits != null && credits.signum() < 0) {
            throw CliException.usage("--credits must be zero or more");
        }
        if ((rpm != null && rpm <= 0) || (tpm != null && tpm <= 0) || (tokens != null && tokens <= 0)
                || (sessionTokens != null && sessionTokens <= 0)) {
            throw CliException.usage("--rpm, --tpm, --tokens and --session-tokens must be positive");
        }
        if (sessionBudget != null && sessionBudget.signum() <= 0) {
            throw CliException.usage("--session-budget must be more than zero");
        }
        if (expires != null && expires.toSeconds() < 60) {
            throw CliException.usage("--expires must be a minute or more (a bare number means seconds: 30d for 30 days)");
        }
        List<String> allowed = models == null ? List.of() : models.stream().map(String::strip).filter(m -> !m.isEmpty()).toList();
        if (models != null && allowed.isEmpty()) {
            // An empty list would mean any model: a script's unset variable must not mint an unrestricted key.
            throw CliException.usage("--models names no model; leave it out for a key that may call any model");
        }
        for (String model : allowed) {
            requireId("--models", model, Ids.MODEL_MAX);
        }
        InstantSource clock = InstantSource.system();
        Instant expiresAt = expires == null ? null : clock.instant().plus(expires);
        ApiKeys.Minted minted = ApiKeys.mint();
        KeyRecord record;
        try (Database db = Stores.create(context)) {
            record = new SqlKeyStore(db, clock).create(new NewKey(name.strip(), tenant.strip(), admin,
                    allowed,
                    rpm, tpm, expiresAt, credits, null, tokens, secrets, subTenants,
                    SessionBudget.of(sessionTokens, sessionBudget)), minted);
            PrintWriter out = context.out();
            if (json) {
                ObjectNode n = KeyJson.of(record, new SqlCreditLedger(db, clock).balance(record.id()), clock.instant());
                ObjectNode ordered = n.objectNode().put("id", record.id()).put("name", record.name()).put("key", minted.key());
                ordered.setAll(n);
                out.println(TerminalText.json(ordered));
            } else {
                out.println("Created key " + record.id() + " (" + record.name() + ", tenant " + record.tenant()
                        + (subTenants ? ", sub-tenants " + record.tenant() + "/*" : "") + (admin ? ", admin" : "") + (credits != null ? ", $" + credits.toPlainString() + " credits" : "")
                        + (expiresAt != null ? ", expires " + expiresAt : "")
                        + (secrets != null ? ", secrets " + secrets.label() : "")
                        + (sessionTokens != null ? ", " + sessionTokens + " tokens per session" : "")
                        + (sessionBudget != null ? ", $" + sessionBudget.toPlainString() + " per session" : "") + ").");
                out.println("Secret key, shown only this once:");
                out.println();
                out.println("  " + minted.key());
                out.println();
                out.println("Give it to the clients, e.g.  export AEGIS_API_KEY=" + minted.key());
                out.println("(aegis init codex and aegis env claude read AEGIS_API_KEY; the daemon's own OPENAI_API_KEY"
                        + " stays the provider's key)");
            }
        }
        return ExitCode.OK;
    }

    private static void requireId(String option, String value, int max) {
        String problem = Ids.problem(value, max);
        if (problem != null) {
            throw CliException.usage(option + " " + problem);
        }
    }
}
