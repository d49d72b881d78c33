package dev.aegis.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** The {@code prompt_log} table: entries written in batches, pruned to the newest N in the same transaction. */
public final class PromptLogStore {

    private static final String INSERT = "INSERT INTO prompt_log (ts_ms, request_id, key_id, route, model, status, "
            + "error_code, input_tokens, output_tokens, request_preview, response_preview, redactions) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    /** Everything older than the newest {@code keep} entries (ids only grow). */
    private static final String PRUNE = "DELETE FROM prompt_log WHERE id <= "
            + "(SELECT id FROM prompt_log ORDER BY id DESC LIMIT 1 OFFSET ?)";

    private final Database db;

    public PromptLogStore(Database db) {
        this.db = db;
    }

    /** Writes the entries, then deletes all but the newest {@code keep}. */
    public void insert(List<PromptLogEntry> entries, int keep) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                for (PromptLogEntry e : entries) {
                    int i = 1;
                    ps.setLong(i++, e.tsMillis());
                    ps.setString(i++, e.requestId());
                    ps.setString(i++, e.keyId());
                    ps.setString(i++, e.route());
                    ps.setString(i++, e.model());
                    ps.setInt(i++, e.status());
                    ps.setString(i++, e.errorCode());
                    ps.setLong(i++, e.inputTokens());
                    ps.setLong(i++, e.outputTokens());
                    ps.setString(i++, e.requestPreview());
                    ps.setString(i++, e.responsePreview());
                    ps.setInt(i, e.redactions());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement(PRUNE)) {
                ps.setInt(1, keep);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The newest entries, newest first. */
    public List<PromptLogEntry> latest(int limit) {
        return db.read(c -> {
            List<PromptLogEntry> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT ts_ms, request_id, key_id, route, model, status, error_code, "
                    + "input_tokens, output_tokens, request_preview, response_preview, redactions FROM prompt_log "
                    + "ORDER BY id DESC LIMIT ?")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new PromptLogEntry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getInt(6), rs.getString(7), rs.getLong(8), rs.getLong(9),
                                rs.getString(10), rs.getString(11), rs.getInt(12)));
                    }
                }
            }
            return out;
        });
    }

    /** How many entries are kept. */
    public long count() {
        return db.read(c -> {
            try (var st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM prompt_log")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
