package dev.aegis.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * The receipt trail's head in the store ({@code receipt_head}, one row) and the highest receipt seq a
 * usage row names. The receipt writer updates the head in the same transaction as the usage rows of
 * the receipts it has just signed ({@link UsageStore#insertSigned}); {@code aegis receipts verify}
 * reads both to notice a trail that ends too early.
 *
 * <p>Only a home's own store (SQLite) keeps a head: a shared PostgreSQL store holds several daemons'
 * trails, each with its own chain, and one head for all of them would be each daemon's in turn.
 * Until heads are kept per daemon (docs/TEAM.md), a team store keeps none and reports none.
 */
public final class ReceiptHeadStore {

    private final Database db;

    public ReceiptHeadStore(Database db) {
        this.db = db;
    }

    /** True when this store keeps one trail's head: a home's own SQLite file, not a team's shared store. */
    public static boolean keepsHead(Database db) {
        return db.dialect() == Dialect.SQLITE;
    }

    /** The head, or empty when no receipt was ever recorded in this store (or it keeps none). */
    public Optional<ReceiptHead> head() {
        if (!keepsHead(db)) {
            return Optional.empty();
        }
        return db.read(c -> {
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT seq, hash, key_fp FROM receipt_head WHERE id = 1")) {
                return rs.next() ? Optional.of(new ReceiptHead(rs.getLong(1), rs.getString(2), rs.getString(3)))
                        : Optional.empty();
            }
        });
    }

    /** The highest {@code receipt_seq} of any usage row; 0 when none names a receipt. */
    public long highestUsageReceipt() {
        if (!keepsHead(db)) {
            return 0;
        }
        return db.read(c -> {
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(receipt_seq), 0) FROM usage")) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    /** Sets the head in its own transaction (a rotation receipt, which has no usage row). */
    public void set(ReceiptHead head) {
        if (!keepsHead(db)) {
            return;
        }
        db.write(c -> {
            write(c, head);
            return null;
        });
    }

    static void write(Connection c, ReceiptHead head) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO receipt_head (id, seq, hash, key_fp, updated_ms) "
                + "VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, "
                + "key_fp = excluded.key_fp, updated_ms = excluded.updated_ms")) {
            ps.setLong(1, head.seq());
            ps.setString(2, head.hash());
            ps.setString(3, head.keyFingerprint());
            ps.setLong(4, System.currentTimeMillis());
            ps.executeUpdate();
        }
    }
}
