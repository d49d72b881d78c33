package dev.aegis.mcp;

import com.github.benmanes.caffeine.cache.Cache;
import dev.aegis.cache.CallPathCaches;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The gateway's client sessions ({@code Mcp-Session-Id}): which server and key each belongs to and the
 * protocol revision agreed in its {@code initialize}. Forgotten after an hour without a request, or
 * when the client deletes it; a client whose session is forgotten gets 404 and initializes again.
 */
final class McpSessions {

    record Session(String id, String server, String keyId, String protocolVersion) {}

    private final SecureRandom random = new SecureRandom();
    private final Cache<String, Session> sessions = CallPathCaches.builder()
            .expireAfterAccess(Duration.ofHours(1)).maximumSize(100_000).build();

    Session open(String server, String keyId, String protocolVersion) {
        byte[] id = new byte[16];
        random.nextBytes(id);
        Session s = new Session(HexFormat.of().formatHex(id), server, keyId, protocolVersion);
        sessions.put(s.id(), s);
        return s;
    }

    /** The session if it exists and belongs to this server and key (another key's session is not found). */
    Optional<Session> find(String id, String server, String keyId) {
        Session s = id == null ? null : sessions.getIfPresent(id);
        return Optional.ofNullable(s).filter(x -> x.server().equals(server) && x.keyId().equals(keyId));
    }

    void close(Session s) {
        sessions.invalidate(s.id());
    }
}
