package dev.aegis.cli.commands;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.json.JsonMoney;
import dev.aegis.cli.CliContext;
import dev.aegis.cli.CliException;
import dev.aegis.cli.ExitCode;
import dev.aegis.cli.Stores;
import dev.aegis.json.Json;
import dev.aegis.store.CreditBalance;
import dev.aegis.keys.KeyRecord;
import dev.aegis.store.Database;
import dev.aegis.store.SqlCreditLedger;
import dev.aegis.store.SqlKeyStore;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code aegis credits add ID USD} and {@code aegis credits show ID}. */
@Command(
        name = "credits",
        mixinStandardHelpOptions = true,
        description = "Top up or show a key's credit balance (USD).",
        subcommands = {CreditsCommand.Add.class, CreditsCommand.Show.class})
public final class CreditsCommand extends GroupCommand {

    static void print(PrintWriter out, String name, CreditBalance b, boolean json) {
        if (json) {
            ObjectNode n = Json.mapper().createObjectNode().put("id", b.keyId()).put("name", name);
            JsonMoney.put(JsonMoney.put(n, "balance_usd", b.balanceUsd()), "reserved_usd", b.reservedUsd());
            out.println(n);
        } else {
            out.println("Key " + b.keyId() + " (" + name + "): $" + JsonMoney.plain(b.balanceUsd()) + " balance, $"
                    + JsonMoney.plain(b.reservedUsd()) + " reserved by calls in flight.");
        }
    }

    /** The key's name; an error when there is no such key. */
    private static String requireKey(Database db, String id) {
        return new SqlKeyStore(db, InstantSource.system()).find(id).map(KeyRecord::name)
                .orElseThrow(() -> new CliException("no key with id '" + id + "' (see: aegis keys list)"));
    }

    /** {@code aegis credits add ID USD}. */
    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add USD to a key's balance (negative to remove).")
    public static final class Add implements Callable<Integer> {
        private final CliContext context;

        @Parameters(index = "0", paramLabel = "ID", description = "The key's id.")
        String id;

        @Parameters(index = "1", paramLabel = "USD", converter = UsdAmount.Adjustment.class, description = "Amount in USD, e.g. 5 or 0.50 (negative: take credits back).")
        BigDecimal usd;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        public Add(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            try (Database db = Stores.open(context)) {
                String name = requireKey(db, id);
                CreditBalance balance;
                try {
                    balance = new SqlCreditLedger(db, InstantSource.system()).add(id, usd);
                } catch (IllegalArgumentException e) {
                    throw new CliException("cannot add $" + usd.toPlainString() + " to " + id + ": " + e.getMessage());
                }
                print(context.out(), name, balance, json);
            }
            return ExitCode.OK;
        }
    }

    /** {@code aegis credits show ID}. */
    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a key's balance.")
    public static final class Show implements Callable<Integer> {
        private final CliContext context;

        @Parameters(paramLabel = "ID", description = "The key's id.")
        String id;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        public Show(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            try (Database db = Stores.open(context)) {
                String name = requireKey(db, id);
                Optional<CreditBalance> b = new SqlCreditLedger(db, InstantSource.system()).balance(id);
                if (b.isEmpty()) {
                    if (json) {
                        context.out().println(Json.mapper().createObjectNode().put("id", id).put("name", name)
                                .putNull("balance_usd").putNull("reserved_usd"));
                    } else {
                        context.out().println("Key " + id + " has no credit limit (add some: aegis credits add " + id + " 5).");
                    }
                } else {
                    print(context.out(), name, b.get(), json);
                }
            }
            return ExitCode.OK;
        }
    }
}
