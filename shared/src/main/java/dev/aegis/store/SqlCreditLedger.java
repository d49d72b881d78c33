package dev.aegis.store;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** {@link CreditLedger} on the {@link Database}. */
public final class SqlCreditLedger implements CreditLedger {

    private final Database db;
    private final InstantSource clock;
    /** Who holds the reservations this ledger makes: a daemon's instance name, the prefix of their ids. */
    private final String holder;
    /** Reservations this ledger made and has not settled: {@link #renew} has nothing to do while there are none. */
    private final AtomicLong held = new AtomicLong();

    /** A ledger for reading and topping up (the CLI); reservations it made would be held by {@code local}. */
    public SqlCreditLedger(Database db, InstantSource clock) {
        this(db, clock, "local");
    }

    /** A daemon's ledger: its reservations carry its instance name, so its next start releases only its own. */
    public SqlCreditLedger(Database db, InstantSource clock, String holder) {
        if (holder.isEmpty() || holder.contains("/")) {
            throw new IllegalArgumentException("a reservation holder is a non-empty name without '/'");
        }
        this.db = db;
        this.clock = clock;
        this.holder = holder;
    }

    static void open(Connection c, String keyId, long nanos, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO credit_accounts (key_id, balance_nanos, reserved_nanos, updated_at) VALUES (?, ?, 0, ?) "
                        + "ON CONFLICT (key_id) DO UPDATE SET balance_nanos = credit_accounts.balance_nanos + excluded.balance_nanos, "
                        + "updated_at = excluded.updated_at")) {
            ps.setString(1, keyId);
            ps.setLong(2, nanos);
            ps.setString(3, now.toString());
            ps.executeUpdate();
        }
    }

    /** The most a balance may hold, in nano-dollars ($9 billion): well inside a 64-bit integer's range. */
    public static final long MAX_BALANCE_NANOS = 9_000_000_000_000_000_000L;

    @Override
    public CreditBalance add(String keyId, BigDecimal usd) {
        long nanos = Money.toNanos(usd);
        return db.write(c -> {
            Optional<CreditBalance> before = read(c, keyId);
            long balance = before.isPresent() ? Money.toNanos(before.get().balanceUsd()) : 0;
            if (nanos > 0 ? balance > MAX_BALANCE_NANOS - nanos : balance < -MAX_BALANCE_NANOS - nanos) {
                // SQLite would turn the sum into a floating-point number, and every later change would be lost in it.
                throw new IllegalArgumentException("the balance would go beyond $" + Money.toUsd(MAX_BALANCE_NANOS).toPlainString()
                        + " either way");
            }
            open(c, keyId, nanos, clock.instant());
            return read(c, keyId).orElseThrow();
        });
    }

    @Override
    public Optional<CreditBalance> balance(String keyId) {
        return db.read(c -> read(c, keyId));
    }

    @Override
    public Optional<Reservation> reserve(String keyId, long estimateNanos) {
        Optional<Reservation> made = db.write(c -> {
            long balance;
            long reserved;
            // One conditional statement: the check and the hold cannot be split by another daemon's call.
            try (PreparedStatement ps = c.prepareStatement("UPDATE credit_accounts SET reserved_nanos = reserved_nanos + ? "
                    + "WHERE key_id = ? AND balance_nanos - reserved_nanos > 0 RETURNING balance_nanos, reserved_nanos")) {
                ps.setLong(1, estimateNanos);
                ps.setString(2, keyId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        if (read(c, keyId).isEmpty()) {
                            return Optional.empty();
                        }
                        throw new InsufficientCreditsException(keyId);
                    }
                    balance = rs.getLong(1);
                    reserved = rs.getLong(2);
                }
            }
            String id = holder + "/" + UUID.randomUUID();
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO credit_reservations (id, key_id, amount_nanos, created_at) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, id);
                ps.setString(2, keyId);
                ps.setLong(3, estimateNanos);
                ps.setString(4, clock.instant().toString());
                ps.executeUpdate();
            }
            return Optional.of(new Reservation(id, keyId, estimateNanos, balance - reserved));
        });
        made.ifPresent(r -> held.incrementAndGet());
        return made;
    }

    @Override
    public Reservation shrink(Reservation r, long amountNanos) {
        long less = r.amountNanos() - amountNanos;
        if (less <= 0) {
            return r;
        }
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE credit_reservations SET amount_nanos = ? WHERE id = ?")) {
                ps.setLong(1, amountNanos);
                ps.setString(2, r.id());
                if (ps.executeUpdate() == 0) {
                    return r; // released meanwhile (its lease let go): nothing held to lower
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE credit_accounts SET reserved_nanos = reserved_nanos - ? WHERE key_id = ?")) {
                ps.setLong(1, less);
                ps.setString(2, r.keyId());
                ps.executeUpdate();
            }
            return new Reservation(r.id(), r.keyId(), amountNanos, r.availableNanos() + less);
        });
    }

    /**
     * Charges the call once: the settlement is noted by its reservation's id in the same transaction,
     * so one written again (its commit reached the database but the answer did not, and the charge was
     * retried, or kept by a stop and replayed) finds it settled and charges nothing more. Without it,
     * the retry found the reservation gone, took it for released by another daemon, and charged the
     * call a second time (an outside review, crashing a team's PostgreSQL under load).
     */
    @Override
    public long settle(Reservation r, long costNanos) {
        long balance = db.write(c -> {
            PreparedStatement note = db.statements(c).prepare(NOTE_SETTLEMENT);
            note.setString(1, r.id());
            note.setLong(2, clock.millis());
            if (note.executeUpdate() == 0) {
                return read(c, r.keyId()).map(b -> Money.toNanos(b.balanceUsd())).orElse(0L); // settled already
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM credit_reservations WHERE id = ?")) {
                ps.setString(1, r.id());
                if (ps.executeUpdate() == 0) {
                    // Already released (a restart in between, or its lease let go): the hold is gone, the cost is still charged.
                    return charge(c, r.keyId(), costNanos, 0);
                }
            }
            return charge(c, r.keyId(), costNanos, r.amountNanos());
        });
        held.updateAndGet(n -> Math.max(0, n - 1)); // a settlement kept from an earlier run's calls counts none
        return balance;
    }

    private static final String NOTE_SETTLEMENT =
            "INSERT INTO credit_settlements (reservation_id, settled_ms) VALUES (?, ?) ON CONFLICT DO NOTHING";
    /** How long a settlement is remembered: far longer than any retry or stop keeps one. */
    static final long SETTLEMENTS_KEPT_MS = java.time.Duration.ofDays(7).toMillis();

    /**
     * Drops the settlements older than {@link #SETTLEMENTS_KEPT_MS} (through their index, off the calls'
     * path: the daemon's lease sweep runs it); how many.
     */
    @Override
    public int pruneSettlements() {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM credit_settlements WHERE settled_ms < ?")) {
                ps.setLong(1, clock.millis() - SETTLEMENTS_KEPT_MS);
                return ps.executeUpdate();
            }
        });
    }

    /** One statement: the charge is relative, so concurrent settlements on other daemons add up. */
    private long charge(Connection c, String keyId, long costNanos, long release) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE credit_accounts SET balance_nanos = balance_nanos - ?, "
                + "reserved_nanos = reserved_nanos - ?, updated_at = ? WHERE key_id = ? RETURNING balance_nanos")) {
            ps.setLong(1, costNanos);
            ps.setLong(2, release);
            ps.setString(3, clock.instant().toString());
            ps.setString(4, keyId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /**
     * Drops the reservations this daemon's earlier runs left (its {@code holder} prefix), and those
     * written before reservations carried one; another daemon's holds on a shared store stay.
     */
    @Override
    public int releaseAll() {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE credit_accounts SET reserved_nanos = reserved_nanos - "
                    + "COALESCE((SELECT SUM(amount_nanos) FROM credit_reservations r WHERE r.key_id = credit_accounts.key_id AND "
                    + own("r.id") + "), 0) WHERE key_id IN (SELECT key_id FROM credit_reservations WHERE " + own("id") + ")")) {
                ps.setString(1, holder + "/");
                ps.setString(2, holder + "/");
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM credit_reservations WHERE " + own("id"))) {
                ps.setString(1, holder + "/");
                return ps.executeUpdate();
            }
        });
    }

    /**
     * A reservation's {@code created_at} is its lease: when it was made, or last renewed by its daemon. A
     * daemon renews its own every {@code CreditLeases.RENEW} while it holds any; one not renewed for long
     * belongs to a daemon that died (another daemon releases it: {@link #releaseAbandoned}).
     */
    @Override
    public int renew() {
        if (held.get() <= 0) {
            return 0;
        }
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE credit_reservations SET created_at = ? WHERE substr(id, 1, "
                    + (holder.length() + 1) + ") = ?")) {
                ps.setString(1, clock.instant().toString());
                ps.setString(2, holder + "/");
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public int releaseAbandoned(Duration unrenewedFor) {
        Instant before = clock.instant().minus(unrenewedFor);
        return db.write(c -> {
            List<String[]> abandoned = new ArrayList<>(); // id, key, lease as read
            try (PreparedStatement ps = c.prepareStatement("SELECT id, key_id, created_at FROM credit_reservations "
                    + "WHERE substr(id, 1, " + (holder.length() + 1) + ") <> ?")) {
                ps.setString(1, holder + "/");
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (leaseEnded(rs.getString(3), before)) {
                            abandoned.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                        }
                    }
                }
            }
            int released = 0;
            for (String[] r : abandoned) {
                // Only as read: a lease renewed, or a hold lowered, since the read is its daemon's, not abandoned; the
                // amount released is the one deleted.
                try (PreparedStatement ps = c.prepareStatement(
                        "DELETE FROM credit_reservations WHERE id = ? AND created_at = ? RETURNING amount_nanos")) {
                    ps.setString(1, r[0]);
                    ps.setString(2, r[2]);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            charge(c, r[1], 0, rs.getLong(1));
                            released++;
                        }
                    }
                }
            }
            return released;
        });
    }

    /** Whether a lease written as {@code renewedAt} ended before {@code before}; an unreadable one has. */
    private static boolean leaseEnded(String renewedAt, Instant before) {
        try {
            return Instant.parse(renewedAt).isBefore(before);
        } catch (DateTimeParseException | NullPointerException e) {
            return true;
        }
    }

    /** This holder's reservation ids (one parameter: the prefix), and ids from before holders. */
    private String own(String column) {
        return "(substr(" + column + ", 1, " + (holder.length() + 1) + ") = ? OR " + column + " NOT LIKE '%/%')";
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
