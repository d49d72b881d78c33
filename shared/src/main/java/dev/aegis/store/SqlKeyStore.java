package dev.aegis.store;

import dev.aegis.config.SecretsMode;
import dev.aegis.keys.ApiKeys;
import dev.aegis.keys.KeyRecord;
import dev.aegis.keys.NewKey;
import dev.aegis.keys.SessionBudget;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** {@link KeyStore} on the {@link Database}. */
public final class SqlKeyStore implements KeyStore {

    private static final String COLUMNS =
            "id, name, tenant, secret_sha256, admin, models, rpm, tpm, created_at, expires_at, revoked_at, run_id, token_budget, "
            + "secrets_mode, sub_tenants, session_token_budget, session_budget_nanos";

    private final Database db;
    private final InstantSource clock;

    public SqlKeyStore(Database db, InstantSource clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public KeyRecord create(NewKey req, ApiKeys.Minted minted) {
        Instant now = clock.instant();
        KeyRecord record = new KeyRecord(minted.id(), req.name(), req.tenant(), minted.sha256(), req.admin(), req.models(),
                req.rpm(), req.tpm(), now, req.expiresAt(), null, req.runId(), req.tokenBudget(), req.secretsMode(), req.subTenants(),
                req.sessionBudget());
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_keys (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, record.id());
                ps.setString(2, record.name());
                ps.setString(3, record.tenant());
                ps.setString(4, record.secretSha256());
                ps.setInt(5, record.admin() ? 1 : 0);
                ps.setString(6, record.models().isEmpty() ? null : String.join(",", record.models()));
                setInteger(ps, 7, record.rpm());
                setInteger(ps, 8, record.tpm());
                ps.setString(9, now.toString());
                ps.setString(10, record.expiresAt() == null ? null : record.expiresAt().toString());
                ps.setString(11, record.runId());
                if (record.tokenBudget() == null) {
                    ps.setNull(12, Types.INTEGER);
                } else {
                    ps.setLong(12, record.tokenBudget());
                }
                ps.setString(13, record.secretsMode() == null ? null : record.secretsMode().label());
                ps.setInt(14, record.subTenants() ? 1 : 0);
                SessionBudget session = record.sessionBudget();
                setLong(ps, 15, session == null ? null : session.tokens());
                setLong(ps, 16, session == null || session.usd() == null ? null : Money.toNanos(session.usd()));
                ps.executeUpdate();
            }
            if (req.creditsUsd() != null) {
                SqlCreditLedger.open(c, record.id(), Money.toNanos(req.creditsUsd()), now);
            }
            return record;
        });
    }

    @Override
    public Optional<KeyRecord> find(String id) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM api_keys WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(row(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<KeyRecord> list() {
        return db.read(c -> {
            List<KeyRecord> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM api_keys ORDER BY created_at, id");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
            return out;
        });
    }

    @Override
    public boolean revoke(String id) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?")) {
                ps.setString(1, clock.instant().toString());
                ps.setString(2, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    private static KeyRecord row(ResultSet rs) throws SQLException {
        String models = rs.getString("models");
        return new KeyRecord(rs.getString("id"), rs.getString("name"), rs.getString("tenant"),
                rs.getString("secret_sha256"), rs.getInt("admin") == 1,
                models == null ? List.of() : Arrays.asList(models.split(",")),
                integer(rs, "rpm"), integer(rs, "tpm"), instant(rs.getString("created_at")),
                instant(rs.getString("expires_at")), instant(rs.getString("revoked_at")), rs.getString("run_id"),
                longOrNull(rs, "token_budget"), secretsMode(rs.getString("secrets_mode")),
                rs.getInt("sub_tenants") == 1, sessionBudget(rs));
    }

    private static SessionBudget sessionBudget(ResultSet rs) throws SQLException {
        Long nanos = longOrNull(rs, "session_budget_nanos");
        return SessionBudget.of(longOrNull(rs, "session_token_budget"), nanos == null ? null : Money.toUsd(nanos));
    }

    private static void setLong(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }

    /** A mode this build does not know (written by a newer Aegis) is taken as block: never silently weaker. */
    private static SecretsMode secretsMode(String text) {
        return text == null ? null : SecretsMode.parse(text).orElse(SecretsMode.BLOCK);
    }

    private static Integer integer(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    private static Long longOrNull(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }

    private static void setInteger(PreparedStatement ps, int index, Integer value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setInt(index, value);
        }
    }
}
