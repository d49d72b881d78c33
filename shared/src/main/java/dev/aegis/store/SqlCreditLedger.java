package dev.aegis.store;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;

/** {@link CreditLedger} on the {@link Database}. */
public final class SqlCreditLedger implements CreditLedger {

    private final Database db;
    private final InstantSource clock;

    public SqlCreditLedger(Database db, InstantSource clock) {
        this.db = db;
        this.clock = clock;
    }

    static void open(Connection c, String keyId, long nanos, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO credit_accounts (key_id, balance_nanos, reserved_nanos, updated_at) VALUES (?, ?, 0, ?) "
                        + "ON CONFLICT (key_id) DO UPDATE SET balance_nanos = balance_nanos + excluded.balance_nanos, "
                        + "updated_at = excluded.updated_at")) {
            ps.setString(1, keyId);
            ps.setLong(2, nanos);
            ps.setString(3, now.toString());
            ps.executeUpdate();
        }
    }

    @Override
    public CreditBalance add(String keyId, BigDecimal usd) {
        return db.write(c -> {
            open(c, keyId, Money.toNanos(usd), clock.instant());
            return read(c, keyId).orElseThrow();
        });
    }

    @Override
    public Optional<CreditBalance> balance(String keyId) {
        return db.read(c -> read(c, keyId));
    }

    private static Optional<CreditBalance> read(Connection c, String keyId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT balance_nanos, reserved_nanos FROM credit_accounts WHERE key_id = ?")) {
            ps.setString(1, keyId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new CreditBalance(keyId, Money.toUsd(rs.getLong(1)), Money.toUsd(rs.getLong(2))))
                        : Optional.empty();
            }
        }
    }
}
