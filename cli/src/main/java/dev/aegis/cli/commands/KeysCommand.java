package dev.aegis.cli.commands;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.aegis.cli.CliContext;
import dev.aegis.cli.CliException;
import dev.aegis.cli.ExitCode;
import dev.aegis.cli.Stores;
import dev.aegis.cli.output.Table;
import dev.aegis.cli.output.TerminalText;
import dev.aegis.json.Json;
import dev.aegis.keys.KeyRecord;
import dev.aegis.store.CreditLedger;
import dev.aegis.store.Database;
import dev.aegis.store.SqlCreditLedger;
import dev.aegis.store.SqlKeyStore;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code aegis keys list|show|revoke}. */
@Command(
        name = "keys",
        mixinStandardHelpOptions = true,
        description = "List, show and revoke keys (never their secrets).",
        subcommands = {KeysCommand.ListKeys.class, KeysCommand.ShowKey.class, KeysCommand.RevokeKey.class})
public final class KeysCommand extends GroupCommand {

    private static String state(KeyRecord k, Instant now) {
        return k.revoked() ? "revoked" : k.expired(now) ? "expired" : "active";
    }

    /** {@code aegis keys list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List every key.")
    public static final class ListKeys implements Callable<Integer> {
        private final CliContext context;

        @Option(names = "--json", description = "Print a JSON array.")
        boolean json;

        public ListKeys(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            InstantSource clock = InstantSource.system();
            Instant now = clock.instant();
            PrintWriter out = context.out();
            try (Database db = Stores.open(context)) {
                CreditLedger credits = new SqlCreditLedger(db, clock);
                var keys = new SqlKeyStore(db, clock).list();
                if (json) {
                    ArrayNode arr = Json.mapper().createArrayNode();
                    keys.forEach(k -> arr.add(KeyJson.of(k, credits.balance(k.id()), now)));
                    out.println(TerminalText.json(arr));
                    return ExitCode.OK;
                }
                if (keys.isEmpty()) {
                    out.println("No keys yet. Mint one: aegis keygen --name NAME");
                    return ExitCode.OK;
                }
                Table t = new Table("ID", "NAME", "TENANT", "STATE", "ADMIN", "CREDITS", "CREATED", "EXPIRES");
                for (KeyRecord k : keys) {
                    t.row(k.id(), k.name(), k.tenant(), state(k, now), k.admin() ? "yes" : "no",
                            credits.balance(k.id()).map(b -> (b.balanceUsd().signum() < 0 ? "-$" : "$")
                                    + b.balanceUsd().abs().stripTrailingZeros().toPlainString()).orElse("-"),
                            k.createdAt().toString().substring(0, 10),
                            k.expiresAt() == null ? "never" : k.expiresAt().toString().substring(0, 10));
                }
                t.print(out);
            }
            return ExitCode.OK;
        }
    }

    /** {@code aegis keys show ID}. */
    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one key.")
    public static final class ShowKey implements Callable<Integer> {
        private final CliContext context;

        @Parameters(paramLabel = "ID", description = "The key's id (from keys list).")
        String id;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        public ShowKey(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            InstantSource clock = InstantSource.system();
            try (Database db = Stores.open(context)) {
                KeyRecord k = new SqlKeyStore(db, clock).find(id)
                        .orElseThrow(() -> new CliException("no key with id '" + id + "' (see: aegis keys list)"));
                var n = KeyJson.of(k, new SqlCreditLedger(db, clock).balance(k.id()), clock.instant());
                if (json) {
                    context.out().println(TerminalText.json(n));
                } else {
                    n.fields().forEachRemaining(e -> context.out().printf("%-12s %s%n", e.getKey() + ":",
                            TerminalText.escape(e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString())));
                }
            }
            return ExitCode.OK;
        }
    }

    /** {@code aegis keys revoke ID}. */
    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a key; a running daemon refuses it within a second.")
    public static final class RevokeKey implements Callable<Integer> {
        private final CliContext context;

        @Parameters(paramLabel = "ID", description = "The key's id (from keys list).")
        String id;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        public RevokeKey(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            InstantSource clock = InstantSource.system();
            try (Database db = Stores.open(context)) {
                SqlKeyStore store = new SqlKeyStore(db, clock);
                if (!store.revoke(id)) {
                    throw new CliException("no key with id '" + id + "' (see: aegis keys list)");
                }
                KeyRecord k = store.find(id).orElseThrow();
                if (json) {
                    context.out().println(TerminalText.json(KeyJson.of(k, new SqlCreditLedger(db, clock).balance(id), clock.instant())));
                } else {
                    context.out().println("Revoked key " + k.id() + " (" + TerminalText.escape(k.name()) + ") at " + k.revokedAt() + ".");
                }
            }
            return ExitCode.OK;
        }
    }
}
