package dev.aegis.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The receipt trails' heads in the store ({@code receipt_heads}, one row per daemon instance) and the
 * highest receipt seq the usage rows of each instance name. A daemon's receipt writer moves its
 * instance's head in the same transaction as the usage rows of the receipts it has just signed
 * ({@link UsageStore#insertSigned}); {@code aegis receipts verify} reads both to notice a trail that
 * ends too early. Daemons sharing a store (team mode) each keep their own row.
 *
 * <p>A trail begun before instance ids has the row {@code ''}, moved over from the single head of
 * older schemas; only a home's own store (SQLite, one daemon) has one, and its usage rows name no
 * instance. The daemon's next start gives that row its instance ({@link #adopt}).
 */
public final class ReceiptHeadStore {

    /** The row of a trail without an instance id. */
    private static final String LEGACY = "";

    private final Database db;

    public ReceiptHeadStore(Database db) {
        this.db = db;
    }

    private static String row(String instance) {
        return instance == null ? LEGACY : instance;
    }

    /** The head of {@code instance}'s trail (null: a trail without instance ids), or empty when none was recorded. */
    public Optional<ReceiptHead> head(String instance) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash, key_fp FROM receipt_heads WHERE instance = ?")) {
                ps.setString(1, row(instance));
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new ReceiptHead(rs.getLong(1), rs.getString(2), rs.getString(3), instance))
                            : Optional.empty();
                }
            }
        });
    }

    /** Every head the store keeps, by instance (null for a trail without instance ids). */
    public List<ReceiptHead> heads() {
        return db.read(c -> {
            List<ReceiptHead> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash, key_fp, instance FROM receipt_heads ORDER BY instance");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String instance = rs.getString(4);
                    out.add(new ReceiptHead(rs.getLong(1), rs.getString(2), rs.getString(3), LEGACY.equals(instance) ? null : instance));
                }
            }
            return out;
        });
    }

    /**
     * The highest {@code receipt_seq} of the usage rows of {@code instance}'s trail; 0 when none names
     * a receipt. Rows are stored in the order of their receipts, so it is the newest row's too. A home's
     * own store (SQLite) holds one trail, so its rows from before instance ids count for it too; in a
     * shared store such rows cannot be told apart by daemon and count for none.
     */
    public long highestUsageReceipt(String instance) {
        return db.read(c -> highestUsageReceipt(db.statements(c), db.dialect(), instance));
    }

    /**
     * {@link #highestUsageReceipt} within a transaction's work, from the index on the rows' receipts
     * (each write of signed rows reads it: scanning a shared table back to a daemon's newest row could
     * read millions of other daemons' rows).
     */
    static long highestUsageReceipt(Statements statements, Dialect dialect, String instance) throws SQLException {
        long highest = instance == null ? 0 : maxReceipt(statements, "receipt_instance = ?", instance);
        if (dialect == Dialect.SQLITE) {
            // rows from before instance ids: a home's own store's are its one trail's; a shared store's are no daemon's
            highest = Math.max(highest, maxReceipt(statements, "receipt_instance IS NULL", null));
        }
        return highest;
    }

    private static long maxReceipt(Statements statements, String where, String instance) throws SQLException {
        PreparedStatement ps = statements.prepare("SELECT MAX(receipt_seq) FROM usage WHERE " + where);
        if (instance != null) {
            ps.setString(1, instance);
        }
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0L; // MAX of no rows is NULL: 0
        }
    }

    /** Sets a head in its own transaction (a rotation receipt, which has no usage row). */
    public void set(ReceiptHead head) {
        db.write(c -> {
            write(db.statements(c), head);
            return null;
        });
    }

    /**
     * Gives the head of a trail begun before instance ids to {@code instance}, when that trail is
     * this daemon's (signed by its key, {@code keyFingerprint}) and the instance has no head yet.
     */
    public void adopt(String instance, String keyFingerprint) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE receipt_heads SET instance = ? WHERE instance = ? AND key_fp = ? "
                    + "AND NOT EXISTS (SELECT 1 FROM receipt_heads h WHERE h.instance = ?)")) {
                ps.setString(1, instance);
                ps.setString(2, LEGACY);
                ps.setString(3, keyFingerprint);
                ps.setString(4, instance);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Moves the head of the trail {@code head.instance()} forward; never back (a kept batch written late). */
    static void write(Statements statements, ReceiptHead head) throws SQLException {
        PreparedStatement ps = statements.prepare(WRITE_HEAD);
        ps.setString(1, row(head.instance()));
        ps.setLong(2, head.seq());
        ps.setString(3, head.hash());
        ps.setString(4, head.keyFingerprint());
        ps.setLong(5, System.currentTimeMillis());
        ps.executeUpdate();
    }

    private static final String WRITE_HEAD = "INSERT INTO receipt_heads (instance, seq, hash, key_fp, updated_ms) "
            + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (instance) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, "
            + "key_fp = excluded.key_fp, updated_ms = excluded.updated_ms WHERE receipt_heads.seq <= excluded.seq";
}
