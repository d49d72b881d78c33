package dev.aegis.cli.commands;

import dev.aegis.cli.CliContext;
import dev.aegis.cli.CliException;
import dev.aegis.cli.ClientSetup;
import dev.aegis.cli.CodexConfigFile;
import dev.aegis.cli.CodexProviderMerge;
import dev.aegis.cli.ExitCode;
import dev.aegis.cli.McpClientEntries;
import dev.aegis.cli.Stores;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code aegis init codex}: a Codex model provider that points at the daemon. */
@Command(
        name = "init",
        mixinStandardHelpOptions = true,
        description = "Set up a client to go through Aegis.",
        subcommands = {InitCommand.Codex.class})
public final class InitCommand extends GroupCommand {

    /** {@code aegis init codex [--key KEY] [--write]}. */
    @Command(name = "codex", mixinStandardHelpOptions = true, description = {
        "Print a Codex model provider for ~/.codex/config.toml that points at Aegis (wire_api = \"responses\").",
        "--write merges it into the file (keeping everything else, with a backup) instead."})
    public static final class Codex implements Callable<Integer> {
        static final String TABLE = "[model_providers.aegis]";

        private final CliContext context;

        @Option(names = "--key", paramLabel = "KEY", description = "Print the export line with this Aegis key.")
        String key;

        @Option(names = "--write", description = "Merge into $CODEX_HOME/config.toml (default ~/.codex/config.toml).")
        boolean write;

        @Option(names = "--mcp", description = {"Also list the gateway's MCP servers (mcp.servers) as [mcp_servers.aegis_<name>],",
            "replacing the aegis_ entries written before."})
        boolean mcp;

        public Codex(CliContext context) {
            this.context = context;
        }

        static String table(String baseUrl) {
            return TABLE + "\n"
                    + "name = \"Aegis\"\n"
                    + "base_url = \"" + baseUrl + "/v1\"\n"
                    + "wire_api = \"responses\"\n"
                    + "env_key = \"" + ClientSetup.KEY_VARIABLE + "\"\n"
                    + "request_max_retries = 4\n"
                    + "stream_max_retries = 5\n"
                    + "stream_idle_timeout_ms = 300000\n";
        }

        @Override
        public Integer call() {
            String exportedKey = key == null ? null : ClientSetup.keyForShell(key); // refused before anything is written
            String baseUrl = ClientSetup.baseUrl(context);
            String table = table(baseUrl);
            if (mcp) {
                table += McpClientEntries.codexTables(McpClientEntries.of(Stores.config(context), baseUrl));
            }
            PrintWriter out = context.out();
            if (write) {
                Path file = CodexConfigFile.location(context);
                Path backup = merge(file, table, mcp);
                out.println("Wrote the aegis model provider into " + file
                        + (backup == null ? "" : " (the previous file is kept as " + backup + ")"));
            } else {
                out.println("# Add to ~/.codex/config.toml (or run: aegis init codex --write)");
                out.print(table);
            }
            out.println();
            out.println("# Select it: codex -c model_provider=aegis   (or put model_provider = \"aegis\" at the top of config.toml)");
            out.println("# Give Codex your Aegis key (mint one with: aegis keygen --name codex):");
            out.println(key == null ? "# export " + ClientSetup.KEY_VARIABLE + "=<your Aegis key>"
                    : "export " + ClientSetup.KEY_VARIABLE + "=" + exportedKey);
            return ExitCode.OK;
        }

        /**
         * Replaces (or appends) the aegis provider table, keeping every other line, and moves the
         * checked result into place atomically; returns the backup, if any.
         */
        static Path merge(Path file, String table) {
            return merge(file, table, false);
        }

        static Path merge(Path file, String table, boolean mcp) {
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
                String existing = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
                String merged;
                try {
                    merged = CodexProviderMerge.merge(existing, table, mcp);
                } catch (CodexProviderMerge.Refused e) {
                    throw new CliException(file + " " + e.getMessage() + "; nothing was written. Fix or remove its aegis"
                            + " provider by hand, or print the table with `aegis init codex` and paste it.");
                }
                Path backup = null;
                if (Files.exists(file)) {
                    backup = file.resolveSibling(file.getFileName() + ".bak-" + Instant.now().toEpochMilli());
                    Files.copy(file, backup, StandardCopyOption.COPY_ATTRIBUTES);
                }
                Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".config", ".toml");
                Files.writeString(temp, merged, StandardCharsets.UTF_8);
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return backup;
            } catch (IOException e) {
                throw new CliException("cannot update " + file + ": " + e.getMessage());
            }
        }
    }
}
