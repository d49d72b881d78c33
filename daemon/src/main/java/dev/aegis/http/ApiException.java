package dev.aegis.http;

/**
 * A refusal or failure with the SPEC's status and error code; rendered in the caller's API dialect
 * by {@link ErrorRenderer}. The message is shown to the client, so it never holds a key or a secret.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final boolean passes;

    public ApiException(int status, String code, String message) {
        this(status, code, message, false);
    }

    /** @param passes the refusal passes by itself soon (a limit's window, calls in flight giving back what they hold) */
    private ApiException(int status, String code, String message, boolean passes) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.passes = passes;
    }

    /** A 429 that passes by itself soon: clients that stop on a spent quota should retry this one (its {@code Retry-After}). */
    public static ApiException passing(String code, String message) {
        return new ApiException(429, code, message, true);
    }

    /** True for a refusal that passes by itself soon ({@link #passing}); rate limits always do. */
    public boolean passes() {
        return passes || "rate_limit_exceeded".equals(code);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public static ApiException invalidRequest(String message) {
        return new ApiException(400, "invalid_request", message);
    }

    /** 413 for a body over {@code server.max_body}. */
    public static ApiException tooLarge(long limit) {
        return tooLarge(limit, "server.max_body");
    }

    /** 413 for a body over a limit, named by what sets it. */
    public static ApiException tooLarge(long limit, String setBy) {
        return new ApiException(413, "request_too_large",
                "request body is larger than the limit of " + limit + " bytes (" + setBy + ")");
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }

    public static ApiException modelNotFound(String model) {
        return new ApiException(404, "model_not_found", "model '" + model + "' points at no provider");
    }

    public static ApiException upstreamUnavailable(String provider, String why) {
        return new ApiException(502, "upstream_unavailable", "provider '" + provider + "' is unreachable: " + why);
    }

    /** The provider answered, but not with something its protocol allows (a 2xx body that is not JSON). */
    public static ApiException upstreamBroken(String provider, String what) {
        return new ApiException(502, "upstream_unavailable", "provider '" + provider + "' sent a broken answer: " + what);
    }

    public static ApiException upstreamTimeout(String provider, String what) {
        return new ApiException(504, "upstream_timeout", "provider '" + provider + "' timed out: " + what);
    }

    /** Usage rows or receipts cannot be written and the backlog in memory is full (audit.max_backlog). */
    public static ApiException recordsUnavailable(long backlog) {
        return new ApiException(503, "records_unavailable", "Aegis cannot write its usage records or receipts ("
                + backlog + " are waiting: a locked database or a full disk, see daemon.log); calls resume once "
                + "they can be written");
    }

    /**
     * The store cannot be used (a shared PostgreSQL down in team mode; a SQLite file locked by another
     * process past its wait, or on a full disk): keys, credits and budgets cannot be checked, so the
     * call is refused rather than served unchecked (fails closed).
     */
    public static ApiException storeUnavailable() {
        return new ApiException(503, "store_unavailable", "Aegis cannot use its database (unreachable, locked by another "
                + "process, or its disk full), so it cannot check this call's key and credits; calls resume by themselves "
                + "once the database is back (see daemon.log)");
    }

    public static ApiException shuttingDown() {
        return new ApiException(503, "shutting_down", "Aegis is stopping and takes no new requests");
    }
}
