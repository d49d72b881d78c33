package dev.aegis.cli.commands;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.cli.CliContext;
import dev.aegis.cli.CliException;
import dev.aegis.cli.ExitCode;
import dev.aegis.cli.Stores;
import dev.aegis.cli.daemon.DaemonLocator;
import dev.aegis.cli.output.Table;
import dev.aegis.config.AegisConfig;
import dev.aegis.json.Json;
import dev.aegis.store.Database;
import dev.aegis.store.Dialect;
import dev.aegis.store.StoreCopy;
import dev.aegis.store.StoreException;
import dev.aegis.store.StoreUrls;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code aegis store migrate --to jdbc:postgresql://...}: moving a home's SQLite history into a team's PostgreSQL. */
@Command(
        name = "store",
        mixinStandardHelpOptions = true,
        description = "Move the store: copy a SQLite history into PostgreSQL (team mode, docs/TEAM.md).",
        subcommands = {StoreCommand.Migrate.class})
public final class StoreCommand extends GroupCommand {

    /** {@code aegis store migrate}. */
    @Command(
            name = "migrate",
            mixinStandardHelpOptions = true,
            description = {
                "Copy a SQLite store into a PostgreSQL store (team mode).",
                "Every key, credit balance, usage row, prompt-log entry and the receipt head. Rows already there are",
                "skipped, so running it again copies nothing twice."
            })
    public static final class Migrate implements Callable<Integer> {
        private final CliContext context;

        @Option(names = "--to", required = true, paramLabel = "URL",
                description = "The PostgreSQL store: jdbc:postgresql://host:port/db?user=...")
        String to;

        @Option(names = "--password-env", paramLabel = "NAME",
                description = "Read the PostgreSQL password from this environment variable (as store.password_env).")
        String passwordEnv;

        @Option(names = "--from", paramLabel = "URL",
                description = "The SQLite store to copy (default: this home's store.url, jdbc:sqlite:<home>/aegis.db).")
        String from;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        public Migrate(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            AegisConfig config = Stores.config(context);
            String source = from != null ? from : config.storeUrl();
            if (Dialect.of(source) != Dialect.SQLITE) {
                throw new CliException("the store to copy is not SQLite (" + StoreUrls.redacted(source)
                        + "); name the SQLite file with --from jdbc:sqlite:/path/to/aegis.db");
            }
            String target = targetUrl();
            refuseWhileTheDaemonWrites(config, source);
            List<StoreCopy.TableCopy> copied;
            try (Database sqlite = Database.open(source); Database postgres = Database.open(target)) {
                copied = StoreCopy.copy(sqlite, postgres);
            } catch (StoreException e) {
                throw new CliException(e.getMessage());
            }
            print(context.out(), copied, StoreUrls.redacted(target));
            return ExitCode.OK;
        }

        private String targetUrl() {
            if (Dialect.of(to) != Dialect.POSTGRESQL) {
                throw new CliException("--to must be a PostgreSQL store (jdbc:postgresql://host:port/db?user=...), not "
                        + StoreUrls.redacted(to));
            }
            if (passwordEnv == null) {
                return to;
            }
            String password = context.env().get(passwordEnv);
            if (password == null || password.isEmpty()) {
                throw new CliException("--password-env names " + passwordEnv + ", which is not set");
            }
            return StoreUrls.withPassword(to, password);
        }

        /**
         * A daemon recording into the file while it is copied would add rows after their table was
         * read, and they would be left behind: the home's daemon must be stopped first.
         */
        private void refuseWhileTheDaemonWrites(AegisConfig config, String source) {
            Path daemons = Database.file(config.storeUrl());
            Path copied = Database.file(source);
            if (daemons != null && copied != null && daemons.toAbsolutePath().normalize().equals(copied.toAbsolutePath().normalize())
                    && new DaemonLocator(context.home()).lockHeld()) {
                throw new CliException("the daemon is running on " + copied + ": stop it first (aegis stop), or calls it"
                        + " records during the copy would be left behind; start it again with store.url set to the"
                        + " PostgreSQL store afterwards");
            }
        }

        private void print(PrintWriter out, List<StoreCopy.TableCopy> copied, String target) {
            if (json) {
                ObjectNode root = Json.mapper().createObjectNode().put("to", target);
                ArrayNode tables = root.putArray("tables");
                for (StoreCopy.TableCopy t : copied) {
                    ObjectNode n = tables.addObject().put("table", t.table()).put("copied", t.copied())
                            .put("already_there", t.alreadyThere());
                    if (t.note() != null) {
                        n.put("note", t.note());
                    }
                }
                out.println(root);
                return;
            }
            Table table = new Table("TABLE", "COPIED", "ALREADY THERE", "NOTE");
            long total = 0;
            for (StoreCopy.TableCopy t : copied) {
                table.row(t.table(), t.copied(), t.alreadyThere(), t.note() == null ? "" : t.note());
                total += t.copied();
            }
            table.print(out);
            out.println(total == 0 ? "Nothing new to copy into " + target + "."
                    : "Copied " + total + " rows into " + target + ". Point the daemons at it: store.url: " + target);
        }
    }
}
