package dev.aegis.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;

/** How Aegis reaches one MCP server: JSON-RPC messages over a process's stdio or over Streamable HTTP. */
interface McpTransport extends AutoCloseable {

    /**
     * Connects if needed (starts the process) and returns the connection's generation: a new number
     * whenever the server was restarted or its session lost, so the caller knows to initialize again.
     */
    long connect();

    /**
     * Sends a request (its {@code id} is set here) and waits for its response.
     *
     * @return the JSON-RPC response: an object with {@code result} or {@code error}
     * @throws McpFailure when the server is unreachable, exits, or does not answer in time
     */
    JsonNode request(ObjectNode request, Duration timeout);

    /** Sends a notification (no answer expected). */
    void notify(ObjectNode notification);

    /** Tells the transport the protocol revision agreed with the server (sent as {@code MCP-Protocol-Version}). */
    default void protocolVersion(String version) {}

    /** True once the server announced its tools changed ({@code notifications/tools/list_changed}); clears the flag. */
    default boolean toolsChanged() {
        return false;
    }

    @Override
    void close();
}
