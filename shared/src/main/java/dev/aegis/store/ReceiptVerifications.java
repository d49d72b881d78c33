package dev.aegis.store;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.util.Optional;

/**
 * The last {@code aegis receipts verify} of each receipt trail ({@code receipt_verifications}, one
 * row per trail folder): the CLI records it, the dashboard's receipts panel shows it. A trail is
 * named by its folder's absolute path, so daemons sharing a team store each see their own.
 */
public final class ReceiptVerifications {

    private final Database db;

    public ReceiptVerifications(Database db) {
        this.db = db;
    }

    /** Records a verification of the trail in {@code folder}, replacing the one before. */
    public void record(Path folder, ReceiptVerification v) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO receipt_verifications "
                    + "(trail, verified_ms, intact, receipts, head_seq, problem) VALUES (?, ?, ?, ?, ?, ?) "
                    + "ON CONFLICT (trail) DO UPDATE SET verified_ms = excluded.verified_ms, intact = excluded.intact, "
                    + "receipts = excluded.receipts, head_seq = excluded.head_seq, problem = excluded.problem")) {
                ps.setString(1, trail(folder));
                ps.setLong(2, v.verifiedMs());
                ps.setInt(3, v.intact() ? 1 : 0);
                ps.setLong(4, v.receipts());
                if (v.headSeq() == null) {
                    ps.setNull(5, Types.BIGINT);
                } else {
                    ps.setLong(5, v.headSeq());
                }
                ps.setString(6, v.problem());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The last verification of the trail in {@code folder}, or empty when it was never verified. */
    public Optional<ReceiptVerification> last(Path folder) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT verified_ms, intact, receipts, head_seq, problem "
                    + "FROM receipt_verifications WHERE trail = ?")) {
                ps.setString(1, trail(folder));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    long headSeq = rs.getLong(4);
                    Long head = rs.wasNull() ? null : headSeq;
                    return Optional.of(new ReceiptVerification(rs.getLong(1), rs.getInt(2) != 0, rs.getLong(3), head,
                            rs.getString(5)));
                }
            }
        });
    }

    private static String trail(Path folder) {
        return folder.toAbsolutePath().normalize().toString();
    }
}
