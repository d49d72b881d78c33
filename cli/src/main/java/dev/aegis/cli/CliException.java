package dev.aegis.cli;

/** A failure to report to the user as one message (no stack trace), exiting with {@link ExitCode#FAILED}. */
public final class CliException extends RuntimeException {

    public CliException(String message) {
        super(message, null, false, false);
    }
}
