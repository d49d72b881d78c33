package dev.aegis.ui;

import dev.aegis.keys.KeyRecord;

/**
 * Who is looking at the dashboard: the operator (the daemon's control token, sees everything) or
 * one Aegis key (an admin key sees everything, a plain key only its own calls).
 *
 * @param keyId the key, or null for the operator
 */
public record Viewer(String keyId, String name, boolean admin) {

    static final Viewer OPERATOR = new Viewer(null, "operator", true);

    static Viewer of(KeyRecord key) {
        return new Viewer(key.id(), key.name(), key.admin());
    }

    /** The key whose calls this viewer is limited to, or null to see every call. */
    String onlyKey() {
        return admin ? null : keyId;
    }
}
