package dev.aegis.security;

import java.util.List;
import java.util.Set;

/**
 * Ids a client chooses (its {@code X-Request-Id}, the session, run and tenant it names) are stored, sent
 * in live events and written to receipts as they are, so one with the shape of a secret the scanner
 * knows (a {@code ghp_} token, a provider key, an Aegis key, ...) is not taken, whatever the secrets mode: an id is
 * never a secret. Only the built-in kinds count here, not a config's extra patterns.
 */
public final class SecretShapedIds {

    private static final SecretScanner SCANNER = new SecretScanner(SecretKind.withAegisKeys(SecretKind.BUILT_IN), Set.of());

    private SecretShapedIds() {}

    /** The kind of secret the id has the shape of, or null when it has none. */
    public static String kindIn(String id) {
        List<SecretScanner.Finding> found = SCANNER.scan(id);
        return found.isEmpty() ? null : found.getFirst().kind();
    }
}
