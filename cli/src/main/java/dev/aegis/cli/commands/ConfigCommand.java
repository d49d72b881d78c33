package dev.aegis.cli.commands;

import dev.aegis.cli.CliContext;
import dev.aegis.cli.CliException;
import dev.aegis.cli.ConfigCheck;
import dev.aegis.cli.ExitCode;
import dev.aegis.config.ConfigError;
import dev.aegis.home.AegisHome;
import dev.aegis.home.SecureFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code aegis config init|check [FILE]}. */
@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description = "Write a commented default config, or validate one.",
        subcommands = {ConfigCommand.Init.class, ConfigCommand.Check.class})
public final class ConfigCommand extends GroupCommand {

    private static Path file(CliContext context, String given) {
        return given != null ? AegisHome.expandTilde(given) : context.home().configFile();
    }

    /** {@code aegis config init [FILE] [--force]}. */
    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Write a commented default config (default: $AEGIS_HOME/aegis.yaml).")
    public static final class Init implements Callable<Integer> {
        private final CliContext context;

        @Parameters(arity = "0..1", paramLabel = "FILE", description = "Where to write it.")
        String target;

        @Option(names = "--force", description = "Overwrite an existing file.")
        boolean force;

        public Init(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            Path file = file(context, target);
            if (Files.exists(file) && !force) {
                throw new CliException(file + " exists; pass --force to overwrite it");
            }
            try (InputStream in = ConfigCommand.class.getResourceAsStream("/dev/aegis/cli/aegis.yaml.template")) {
                SecureFiles.writeAtomically(file, in.readAllBytes());
            } catch (IOException | NullPointerException e) {
                throw new CliException("cannot write " + file + ": " + e.getMessage());
            }
            context.out().println("Wrote " + file + ". Check it with: aegis config check" + (target == null ? "" : " " + file));
            return ExitCode.OK;
        }
    }

    /** {@code aegis config check [FILE]}. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validate a config file (default: the daemon's, $AEGIS_HOME/aegis.yaml, or the defaults and the environment when there is none) and name each error by its path; exit 1 on errors.")
    public static final class Check implements Callable<Integer> {
        private final CliContext context;

        @Parameters(arity = "0..1", paramLabel = "FILE", description = "The file to check.")
        String target;

        public Check(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            Path file = file(context, target);
            // Without a FILE, a home with no aegis.yaml runs on the defaults (and the environment), as the daemon does.
            boolean mustExist = target != null || ConfigCheck.daemonConfigRequired(context);
            ConfigCheck check = ConfigCheck.of(context, file, mustExist);
            String name = mustExist || java.nio.file.Files.exists(file) ? file.toString()
                    : "no " + file + " (the defaults and the environment)";
            if (!check.valid()) {
                context.out().println(name + ": " + check.errors().size() + " error(s)");
                for (ConfigError error : check.errors()) {
                    context.out().println("  " + error.path() + ": " + error.message());
                }
                return ExitCode.FAILED;
            }
            context.out().println(name + ": OK");
            return ExitCode.OK;
        }
    }
}
