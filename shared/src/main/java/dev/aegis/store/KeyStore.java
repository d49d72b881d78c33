package dev.aegis.store;

import dev.aegis.keys.ApiKeys;
import dev.aegis.keys.KeyRecord;
import dev.aegis.keys.NewKey;
import java.util.List;
import java.util.Optional;

/** Keys at rest. SQL stays portable so a PostgreSQL implementation can follow. */
public interface KeyStore {

    /** Stores a new key (and its credit account when it has credits) in one transaction. */
    KeyRecord create(NewKey request, ApiKeys.Minted minted);

    Optional<KeyRecord> find(String id);

    List<KeyRecord> list();

    /** Marks the key revoked; false when there is no such key. Revoking twice keeps the first time. */
    boolean revoke(String id);
}
