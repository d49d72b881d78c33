package dev.aegis.cli;

/**
 * A failure to report to the user as one message (no stack trace), exiting with {@link ExitCode#FAILED},
 * or for a value the command cannot take ({@link #usage}), with {@link ExitCode#USAGE} (SPEC §2).
 */
public final class CliException extends RuntimeException {

    private final int exitCode;

    public CliException(String message) {
        this(message, ExitCode.FAILED);
    }

    private CliException(String message, int exitCode) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    /** Bad usage: an option's value out of its range, options that do not go together. */
    public static CliException usage(String message) {
        return new CliException(message, ExitCode.USAGE);
    }

    public int exitCode() {
        return exitCode;
    }
}
