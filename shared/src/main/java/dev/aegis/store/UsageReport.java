package dev.aegis.store;

import dev.aegis.json.JsonMoney;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.json.Json;
import java.util.List;
import java.util.Map;

/**
 * A usage report: one line per group, largest cost first, and the total.
 *
 * @param keyNames grouped by key: each key's name by its id (a key no longer stored has none); else empty
 */
public record UsageReport(UsageGroup by, List<UsageTotals> groups, UsageTotals total, Map<String, String> keyNames) {

    public UsageReport {
        groups = List.copyOf(groups);
        keyNames = Map.copyOf(keyNames);
    }

    /** The name of a group's key when grouped by key; null otherwise, or for a key no longer stored. */
    public String keyName(UsageTotals group) {
        return keyNames.get(group.group());
    }

    /**
     * The SPEC's JSON: {@code {"groups": [{"group", "requests", ..., "cost_usd"}], "total": {...}}}; grouped by
     * key, each group also has {@code key_id} and {@code key_name} (null for a key no longer stored). Each
     * group and the total also have {@code cache_hit_rate} ({@code cached_input / input}, null without input).
     */
    public ObjectNode toJson() {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("by", by.label());
        ArrayNode arr = root.putArray("groups");
        for (UsageTotals g : groups) {
            ObjectNode n = json(g);
            if (by == UsageGroup.KEY) {
                n.put("key_id", g.group()).put("key_name", keyName(g));
            }
            arr.add(n);
        }
        root.set("total", json(total));
        return root;
    }

    private static ObjectNode json(UsageTotals t) {
        ObjectNode n = Json.mapper().createObjectNode()
                .put("group", t.group())
                .put("requests", t.requests())
                .put("input", t.input())
                .put("cached_input", t.cachedInput())
                .put("cache_write", t.cacheWrite())
                .put("output", t.output())
                .put("reasoning", t.reasoning());
        JsonMoney.put(n, "cost_usd", t.costUsd());
        return n.put("cache_hit_rate", t.cacheHitRate());
    }
}
