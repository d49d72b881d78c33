package dev.aegis.control;

/** How the CLI starts the daemon process: the class it runs and the flags it understands. */
public final class DaemonProcess {

    /** Named as a string: the CLI starts the daemon as a process and never links against it. */
    public static final String MAIN_CLASS = "dev.aegis.daemon.DaemonMain";
    /** System property: when the CLI launched the daemon (epoch milliseconds), for its start-up timings. */
    public static final String LAUNCHED_AT_PROPERTY = "aegis.launchedAt";

    /**
     * The daemon's only argument when the launcher script started its JVM beside the CLI's (early
     * launch, docs/STARTUP.md): it then reads its real arguments from standard input, one per line up to
     * an empty line, and exits quietly, having done nothing, when none come.
     */
    public static final String ARGUMENTS_FROM_STDIN = "--arguments-from-stdin";

    /** Printed by the daemon before it exits 1, so the CLI can show the reason. */
    public static final String FAILURE_PREFIX = "aegis daemon: ";

    private DaemonProcess() {}
}
