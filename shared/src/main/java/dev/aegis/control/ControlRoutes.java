package dev.aegis.control;

/** Paths and headers of the daemon's own control surface, shared by the daemon and the CLI. */
public final class ControlRoutes {

    public static final String HEALTH = "/healthz";
    public static final String HEALTH_ALT = "/health";
    public static final String HEALTH_V1 = "/aegis/v1/health";
    public static final String STATUS = "/aegis/v1/status";
    public static final String SHUTDOWN = "/aegis/v1/control/shutdown";
    /** Answers once the records (usage rows, receipts) of every call answered so far are written. */
    public static final String FLUSH = "/aegis/v1/control/flush";

    /** Carries the control token from {@code daemon.json}; required by control routes. */
    public static final String CONTROL_TOKEN_HEADER = "X-Aegis-Control-Token";

    private ControlRoutes() {}
}
