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
 * Kept per key, about {@link #PER_KEY} each: a key that initializes in a loop makes room among its own
 * sessions, never another key's.
 */
final class McpSessions {

    record Session(String id, String server, String keyId, String protocolVersion) {}

    /** The sessions one key may have open (beyond that, its own are forgotten, the least used first). */
    static final int PER_KEY = 1_000;

    private final SecureRandom random = new SecureRandom();
    /** Key id to that key's sessions by id. */
    private final Cache<String, Cache<String, Session>> byKey = CallPathCaches.builder()
            .expireAfterAccess(Duration.ofHours(1)).maximumSize(100_000).build();

    Session open(String server, String keyId, String protocolVersion) {
        byte[] id = new byte[16];
        random.nextBytes(id);
        Session s = new Session(HexFormat.of().formatHex(id), server, keyId, protocolVersion);
        byKey.get(keyId, k -> CallPathCaches.builder().expireAfterAccess(Duration.ofHours(1)).maximumSize(PER_KEY)
                .<String, Session>build()).put(s.id(), s);
        return s;
    }

    /** The session if it exists and belongs to this server and key (another key's session is not found). */
    Optional<Session> find(String id, String server, String keyId) {
        Cache<String, Session> sessions = id == null ? null : byKey.getIfPresent(keyId);
        Session s = sessions == null ? null : sessions.getIfPresent(id);
        return Optional.ofNullable(s).filter(x -> x.server().equals(server));
    }

    void close(Session s) {
        Cache<String, Session> sessions = byKey.getIfPresent(s.keyId());
        if (sessions != null) {
            sessions.invalidate(s.id());
        }
    }
}
