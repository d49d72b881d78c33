package dev.aegis.store;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.UUID;

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

    @Override
    public Optional<Reservation> reserve(String keyId, long estimateNanos) {
        return db.write(c -> {
            long balance;
            long reserved;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT balance_nanos, reserved_nanos FROM credit_accounts WHERE key_id = ?")) {
                ps.setString(1, keyId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    balance = rs.getLong(1);
                    reserved = rs.getLong(2);
                }
            }
            if (balance - reserved <= 0) {
                throw new InsufficientCreditsException(keyId);
            }
            String id = UUID.randomUUID().toString();
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO credit_reservations (id, key_id, amount_nanos, created_at) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, id);
                ps.setString(2, keyId);
                ps.setLong(3, estimateNanos);
                ps.setString(4, clock.instant().toString());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE credit_accounts SET reserved_nanos = reserved_nanos + ? WHERE key_id = ?")) {
                ps.setLong(1, estimateNanos);
                ps.setString(2, keyId);
                ps.executeUpdate();
            }
            return Optional.of(new Reservation(id, keyId, estimateNanos, balance - reserved - estimateNanos));
        });
    }

    @Override
    public long settle(Reservation r, long costNanos) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM credit_reservations WHERE id = ?")) {
                ps.setString(1, r.id());
                if (ps.executeUpdate() == 0) {
                    // Already released (a restart in between): the hold is gone, the cost is still charged.
                    return charge(c, r.keyId(), costNanos, 0);
                }
            }
            return charge(c, r.keyId(), costNanos, r.amountNanos());
        });
    }

    private long charge(Connection c, String keyId, long costNanos, long release) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE credit_accounts SET balance_nanos = balance_nanos - ?, "
                + "reserved_nanos = reserved_nanos - ?, updated_at = ? WHERE key_id = ?")) {
            ps.setLong(1, costNanos);
            ps.setLong(2, release);
            ps.setString(3, clock.instant().toString());
            ps.setString(4, keyId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT balance_nanos FROM credit_accounts WHERE key_id = ?")) {
            ps.setString(1, keyId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    @Override
    public int releaseAll() {
        return db.write(c -> {
            try (Statement st = c.createStatement()) {
                st.executeUpdate("UPDATE credit_accounts SET reserved_nanos = reserved_nanos - COALESCE((SELECT "
                        + "SUM(amount_nanos) FROM credit_reservations r WHERE r.key_id = credit_accounts.key_id), 0)");
                return st.executeUpdate("DELETE FROM credit_reservations");
            }
        });
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
