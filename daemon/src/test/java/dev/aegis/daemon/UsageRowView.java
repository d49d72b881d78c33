package dev.aegis.daemon;

import dev.aegis.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;

/** A recorded usage row as the tests read it back from the database. */
public record UsageRowView(String keyId, String tenant, String runId, String route, String modelRequested, String model,
        String provider, int status, String errorCode, long input, long cachedInput, long cacheWrite, long output,
        long reasoning, long costNanos, boolean unpriced, String priceVersion, boolean streamed, boolean complete) {

    static Optional<UsageRowView> find(Database db, String requestId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT key_id, tenant, run_id, route, model_requested, model, "
                    + "provider, status, error_code, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, "
                    + "reasoning_tokens, cost_nanos, unpriced, price_version, streamed, complete FROM usage WHERE request_id = ?")) {
                ps.setString(1, requestId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new UsageRowView(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getInt(8), rs.getString(9), rs.getLong(10),
                            rs.getLong(11), rs.getLong(12), rs.getLong(13), rs.getLong(14), rs.getLong(15), rs.getInt(16) == 1,
                            rs.getString(17), rs.getInt(18) == 1, rs.getInt(19) == 1));
                }
            }
        });
    }
}
