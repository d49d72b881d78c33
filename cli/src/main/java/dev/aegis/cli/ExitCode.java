package dev.aegis.cli;

/** The CLI's exit codes (SPEC §2). */
public final class ExitCode {
    public static final int OK = 0;
    /** The operation failed or found a problem. */
    public static final int FAILED = 1;
    /** Bad usage: unknown option, missing argument (picocli's usage error). */
    public static final int USAGE = 2;

    private ExitCode() {}
}
