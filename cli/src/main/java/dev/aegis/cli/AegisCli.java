package dev.aegis.cli;

import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;

/** The one factory for the command line, used by {@link Main} and by tests, with exit codes and error handling set. */
public final class AegisCli {

    private AegisCli() {}

    public static CommandLine commandLine(PrintWriter out, PrintWriter err, Map<String, String> env) {
        CliContext context = new CliContext(out, err, env);
        CommandLine cmd = new CommandLine(new AegisCommand(context), new ContextFactory(context));
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        // `aegis run codex --model x`: everything from the command on belongs to the command.
        cmd.getSubcommands().get("run").setStopAtPositional(true);
        cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof CliException) {
                commandLine.getErr().println("aegis: " + ex.getMessage());
                commandLine.getErr().flush();
                return ExitCode.FAILED;
            }
            commandLine.getErr().println("aegis: unexpected error: " + ex);
            commandLine.getErr().flush();
            return ExitCode.FAILED;
        });
        return cmd;
    }

    /** Gives every command its {@link CliContext} through a constructor taking it. */
    private record ContextFactory(CliContext context) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                return cls.getDeclaredConstructor(CliContext.class).newInstance(context);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }
}
