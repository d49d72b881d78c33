package dev.aegis.mcp;

/**
 * Why an MCP request could not be answered by the server: the client gets it as a JSON-RPC error
 * ({@link #rpcCode}, Aegis's {@link #code} in {@code error.data.code}), and the call's usage row
 * gets {@link #status} and {@link #code}.
 */
final class McpFailure extends RuntimeException {

    /** JSON-RPC's "method not found". */
    static final int METHOD_NOT_FOUND = -32601;
    /** JSON-RPC's "invalid params", which MCP uses for an unknown tool. */
    static final int INVALID_PARAMS = -32602;
    /** JSON-RPC's range for implementation-defined server errors. */
    static final int SERVER_ERROR = -32000;

    private final int rpcCode;
    private final String code;
    private final int status;

    McpFailure(int rpcCode, String code, int status, String message) {
        super(message, null, false, false);
        this.rpcCode = rpcCode;
        this.code = code;
        this.status = status;
    }

    int rpcCode() {
        return rpcCode;
    }

    String code() {
        return code;
    }

    int status() {
        return status;
    }

    static McpFailure unavailable(String server, String why) {
        return new McpFailure(SERVER_ERROR - 1, "mcp_server_unavailable", 502,
                "the MCP server '" + server + "' is not available: " + why);
    }

    static McpFailure timeout(String server, java.time.Duration after) {
        return new McpFailure(SERVER_ERROR - 2, "mcp_server_timeout", 504,
                "the MCP server '" + server + "' did not answer within " + after.toMillis() + " ms (mcp.timeout)");
    }

    /** The server's session was lost (restarted, or forgot the session): initialize again and retry once. */
    static McpFailure sessionLost(String server) {
        return new McpFailure(SERVER_ERROR - 1, "mcp_session_lost", 502,
                "the MCP server '" + server + "' lost its session");
    }

    boolean sessionLost() {
        return code.equals("mcp_session_lost");
    }
}
