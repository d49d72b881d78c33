package dev.aegis.store;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.json.Json;
import java.util.List;

/** A usage report: one line per group, largest cost first, and the total. */
public record UsageReport(UsageGroup by, List<UsageTotals> groups, UsageTotals total) {

    public UsageReport {
        groups = List.copyOf(groups);
    }

    /** The SPEC's JSON: {@code {"groups": [{"group", "requests", ..., "cost_usd"}], "total": {...}}}. */
    public ObjectNode toJson() {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("by", by.label());
        ArrayNode arr = root.putArray("groups");
        groups.forEach(g -> arr.add(json(g)));
        root.set("total", json(total));
        return root;
    }

    private static ObjectNode json(UsageTotals t) {
        return Json.mapper().createObjectNode()
                .put("group", t.group())
                .put("requests", t.requests())
                .put("input", t.input())
                .put("cached_input", t.cachedInput())
                .put("cache_write", t.cacheWrite())
                .put("output", t.output())
                .put("reasoning", t.reasoning())
                .put("cost_usd", t.costUsd().stripTrailingZeros());
    }
}
