package dev.aegis.mcp;

import java.util.List;

/**
 * The MCP protocol revisions the gateway speaks to its clients over Streamable HTTP. A client asking
 * for one of them in {@code initialize} gets it; any other request gets the latest, which the client
 * may refuse (MCP's version negotiation).
 */
final class ProtocolVersion {

    static final String LATEST = "2025-11-25";
    /** Newest first. 2024-11-05 used the older HTTP+SSE transport, which the gateway does not serve. */
    static final List<String> SUPPORTED = List.of(LATEST, "2025-06-18", "2025-03-26");
    /** What a request without {@code MCP-Protocol-Version} is taken to speak (the MCP specification's rule). */
    static final String WITHOUT_HEADER = "2025-03-26";

    private ProtocolVersion() {}

    /** The revision to answer a client's {@code initialize} with. */
    static String negotiate(String requested) {
        return requested != null && SUPPORTED.contains(requested) ? requested : LATEST;
    }

    static boolean supported(String version) {
        return SUPPORTED.contains(version);
    }
}
