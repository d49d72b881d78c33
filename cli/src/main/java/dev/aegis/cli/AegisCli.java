package dev.aegis.cli;

import dev.aegis.cli.commands.CompletionCommand;
import dev.aegis.cli.output.TerminalText;
import dev.aegis.store.StoreException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;

/** The one factory for the command line, used by {@link Main} and by tests, with exit codes and error handling set. */
public final class AegisCli {

    private AegisCli() {}

    /** The whole command line, every command registered (tests, completion scripts, help). */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err, Map<String, String> env) {
        return build(out, err, env, AegisCommand.COMMANDS);
    }

    /**
     * The command line for running {@code args}: when they name a command, only that command is
     * registered (the others are never needed, and building picocli's model of all of them is most
     * of a CLI's start-up), and none for {@code --version}; otherwise (help, a typo picocli should suggest a fix for, completion
     * scripts) every command.
     */
    public static CommandLine forArguments(PrintWriter out, PrintWriter err, Map<String, String> env, String[] args) {
        boolean versionOnly = args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"));
        return build(out, err, env, versionOnly ? List.of()
                : named(args).map(List::<Class<?>>of).orElse(AegisCommand.COMMANDS));
    }

    /** The command {@code args} run, if their first word that is not a top-level option names one. */
    static Optional<Class<?>> named(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--home")) {
                i++; // its value
            } else if (!a.startsWith("-")) {
                return AegisCommand.COMMANDS.stream()
                        .filter(c -> !c.equals(CompletionCommand.class) && nameOf(c).equals(a)).findFirst();
            }
        }
        return Optional.empty();
    }

    private static String nameOf(Class<?> command) {
        return command.getAnnotation(CommandLine.Command.class).name();
    }

    private static CommandLine build(PrintWriter out, PrintWriter err, Map<String, String> env, List<Class<?>> commands) {
        CliContext context = new CliContext(out, err, env);
        ContextFactory factory = new ContextFactory(context);
        CommandLine cmd = new CommandLine(new AegisCommand(context), factory);
        for (Class<?> command : commands) {
            cmd.addSubcommand(new CommandLine(command, factory));
        }
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        // Whole numbers in ASCII digits only: Java's parse reads any script's digits (`--port ١٢٣` bound port 123).
        cmd.registerConverter(Integer.class, v -> (int) asciiWholeNumber(v, Integer.MIN_VALUE, Integer.MAX_VALUE));
        cmd.registerConverter(Integer.TYPE, v -> (int) asciiWholeNumber(v, Integer.MIN_VALUE, Integer.MAX_VALUE));
        cmd.registerConverter(Long.class, v -> asciiWholeNumber(v, Long.MIN_VALUE, Long.MAX_VALUE));
        cmd.registerConverter(Long.TYPE, v -> asciiWholeNumber(v, Long.MIN_VALUE, Long.MAX_VALUE));
        // `aegis run codex --model x`: everything from the command on belongs to the command.
        CommandLine run = cmd.getSubcommands().get("run");
        if (run != null) {
            run.setStopAtPositional(true);
        }
        cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof CliException failure) {
                commandLine.getErr().println("aegis: " + TerminalText.escapeLines(ex.getMessage()));
                commandLine.getErr().flush();
                return failure.exitCode();
            }
            if (ex instanceof StoreException failure) {
                commandLine.getErr().println("aegis: " + TerminalText.escapeLines(StoreFailures.message(failure)));
                commandLine.getErr().flush();
                return ExitCode.FAILED;
            }
            commandLine.getErr().println("aegis: unexpected error: " + TerminalText.escapeLines(ex.toString()));
            commandLine.getErr().flush();
            return ExitCode.FAILED;
        });
        return cmd;
    }

    /** A whole number written in ASCII digits (an optional sign), within the type's range. */
    static long asciiWholeNumber(String value, long min, long max) {
        String v = value.strip();
        if (!v.matches("[-+]?[0-9]{1,19}")) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a whole number (digits 0-9)");
        }
        try {
            long n = Long.parseLong(v);
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is out of range (" + min + " to " + max + ")");
        }
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
