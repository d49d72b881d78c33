package dev.aegis.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.json.Json;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Secrets found in prompts over a period, per kind: how many were in calls refused
 * ({@code secret_detected}) and how many were redacted on the way. Kinds and counts only.
 */
public final class SecretCounts {

    /** One kind's counts. */
    public record Kind(String kind, long blocked, long redacted) {}

    private final Database db;

    public SecretCounts(Database db) {
        this.db = db;
    }

    /** Kinds in name order; the filter's time range and key apply. */
    public List<Kind> byKind(UsageFilter filter) {
        StringBuilder sql = new StringBuilder("SELECT error_code, secret_findings FROM usage WHERE secret_findings IS NOT NULL");
        List<Object> args = new ArrayList<>();
        if (filter.sinceMillis() != null) {
            sql.append(" AND ts_ms >= ?");
            args.add(filter.sinceMillis());
        }
        if (filter.untilMillis() != null) {
            sql.append(" AND ts_ms < ?");
            args.add(filter.untilMillis());
        }
        if (filter.keyId() != null) {
            sql.append(" AND key_id = ?");
            args.add(filter.keyId());
        }
        return db.read(c -> {
            Map<String, long[]> kinds = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int slot = "secret_detected".equals(rs.getString(1)) ? 0 : 1;
                        for (Map.Entry<String, JsonNode> e : findings(rs.getString(2)).properties()) {
                            kinds.computeIfAbsent(e.getKey(), k -> new long[2])[slot] += e.getValue().asLong();
                        }
                    }
                }
            }
            List<Kind> out = new ArrayList<>(kinds.size());
            kinds.forEach((kind, n) -> out.add(new Kind(kind, n[0], n[1])));
            return out;
        });
    }

    private static JsonNode findings(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (IOException e) {
            return Json.mapper().createObjectNode();
        }
    }
}
