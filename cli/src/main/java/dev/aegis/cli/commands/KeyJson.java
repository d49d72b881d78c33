package dev.aegis.cli.commands;

import dev.aegis.json.JsonMoney;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.json.Json;
import dev.aegis.keys.KeyRecord;
import dev.aegis.keys.SessionBudget;
import dev.aegis.store.CreditBalance;
import java.time.Instant;
import java.util.Optional;

/** The JSON shape of a key in {@code keygen}, {@code keys list|show} (never the secret, except keygen's {@code key}). */
final class KeyJson {

    private KeyJson() {}

    static ObjectNode of(KeyRecord k, Optional<CreditBalance> credits, Instant now) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("id", k.id()).put("name", k.name()).put("tenant", k.tenant()).put("sub_tenants", k.subTenants())
                .put("admin", k.admin());
        n.put("created_at", k.createdAt().toString());
        putInstant(n, "expires_at", k.expiresAt());
        n.put("revoked", k.revoked());
        putInstant(n, "revoked_at", k.revokedAt());
        n.put("active", k.active(now));
        var models = n.putArray("models");
        k.models().forEach(models::add);
        putInteger(n, "rpm", k.rpm());
        putInteger(n, "tpm", k.tpm());
        if (k.secretsMode() == null) {
            n.putNull("secrets_mode"); // follows security.secrets.mode
        } else {
            n.put("secrets_mode", k.secretsMode().label());
        }
        SessionBudget session = k.sessionBudget();
        if (session == null || session.tokens() == null) {
            n.putNull("session_tokens");
        } else {
            n.put("session_tokens", session.tokens());
        }
        if (session == null || session.usd() == null) {
            n.putNull("session_budget_usd");
        } else {
            JsonMoney.put(n, "session_budget_usd", session.usd());
        }
        if (credits.isPresent()) {
            JsonMoney.put(n, "balance_usd", credits.get().balanceUsd());
        } else {
            n.putNull("balance_usd");
        }
        return n;
    }

    private static void putInstant(ObjectNode n, String name, Instant value) {
        if (value == null) {
            n.putNull(name);
        } else {
            n.put(name, value.toString());
        }
    }

    private static void putInteger(ObjectNode n, String name, Integer value) {
        if (value == null) {
            n.putNull(name);
        } else {
            n.put(name, value);
        }
    }
}
