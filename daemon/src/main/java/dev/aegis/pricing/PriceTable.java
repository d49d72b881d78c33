package dev.aegis.pricing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.json.Json;
import dev.aegis.pricing.ModelPrice.Rates;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Model prices by name, versioned and dated. Lookups accept a {@code provider/} prefix and dated
 * snapshots ({@code gpt-4o-2024-08-06}, {@code claude-sonnet-4-5-20250929}) of a listed model.
 */
public final class PriceTable {

    private final String version;
    private final Map<String, ModelPrice> models;
    private final Map<String, String> providers;

    public PriceTable(String version, Map<String, ModelPrice> models) {
        this(version, models, Map.of());
    }

    private PriceTable(String version, Map<String, ModelPrice> models, Map<String, String> providers) {
        this.version = version;
        this.models = Map.copyOf(models);
        this.providers = Map.copyOf(providers);
    }

    /** The table built into this release ({@code price-table.json}, derived from the shared price facts). */
    public static PriceTable builtIn() {
        try (InputStream in = PriceTable.class.getResourceAsStream("price-table.json")) {
            if (in == null) {
                throw new IllegalStateException("price-table.json is missing from the build");
            }
            JsonNode root = Json.mapper().readTree(in);
            Map<String, ModelPrice> models = new HashMap<>();
            Map<String, String> providers = new HashMap<>();
            root.path("models").properties().forEach(e -> {
                String id = e.getKey().toLowerCase(Locale.ROOT);
                models.put(id, read(e.getValue()));
                providers.put(id, e.getValue().path("provider").asText(""));
            });
            return new PriceTable(root.path("version").asText(), models, providers);
        } catch (IOException e) {
            throw new IllegalStateException("price-table.json cannot be read", e);
        }
    }

    private static ModelPrice read(JsonNode m) {
        Rates base = rates(m, null);
        Integer maxOutput = m.hasNonNull("max_output") ? m.path("max_output").asInt() : null;
        BigDecimal perWebSearch = decimal(m, "web_search", BigDecimal.ZERO);
        Map<String, ModelPrice> serviceTiers = new HashMap<>();
        // A service tier's missing price is the standard one, as in the facts the table is derived from.
        m.path("service_tiers").properties().forEach(st -> {
            Rates rates = rates(st.getValue(), base);
            serviceTiers.put(st.getKey(), new ModelPrice(rates, maxOutput, tiers(st.getValue(), rates), Map.of(), perWebSearch));
        });
        return new ModelPrice(base, maxOutput, tiers(m, base), serviceTiers, perWebSearch);
    }

    private static List<ModelPrice.Tier> tiers(JsonNode m, Rates base) {
        List<ModelPrice.Tier> tiers = new ArrayList<>();
        for (JsonNode t : m.path("tiers")) {
            tiers.add(new ModelPrice.Tier(t.path("threshold").asLong(), rates(t, base)));
        }
        return tiers;
    }

    /** The prices {@code n} lists; a missing one is {@code fallback}'s, or for a model's own prices the text one. */
    private static Rates rates(JsonNode n, Rates fallback) {
        BigDecimal input = decimal(n, "input", fallback == null ? BigDecimal.ZERO : fallback.input());
        BigDecimal cacheWrite = decimal(n, "cache_write", fallback == null ? input : fallback.cacheWrite());
        BigDecimal output = decimal(n, "output", fallback == null ? BigDecimal.ZERO : fallback.output());
        return new Rates(input,
                decimal(n, "cached_input", fallback == null ? input : fallback.cachedInput()),
                cacheWrite,
                output,
                decimal(n, "audio_input", fallback == null ? input : fallback.audioInput()),
                decimal(n, "audio_output", fallback == null ? output : fallback.audioOutput()),
                decimal(n, "cache_write_1h", fallback == null ? cacheWrite : fallback.cacheWriteHour()));
    }

    private static BigDecimal decimal(JsonNode n, String field, BigDecimal fallback) {
        return n.hasNonNull(field) ? new BigDecimal(n.path(field).asText()) : fallback;
    }

    public String version() {
        return version;
    }

    /** A new table with these models added or replaced, and a version naming the change. */
    public PriceTable with(Map<String, ModelPrice> more, String versionSuffix) {
        Map<String, ModelPrice> merged = new HashMap<>(models);
        more.forEach((k, v) -> merged.put(k.toLowerCase(Locale.ROOT), v));
        return new PriceTable(version + versionSuffix, merged, providers);
    }

    /**
     * Every model the table prices, with the provider that serves it ({@code openai}, {@code anthropic},
     * ...), or an empty string for models added by the config, which may be served anywhere.
     */
    public Map<String, String> listing() {
        Map<String, String> out = new HashMap<>();
        models.keySet().forEach(m -> out.put(m, providers.getOrDefault(m, "")));
        return out;
    }

    public Optional<ModelPrice> find(String model) {
        if (model == null) {
            return Optional.empty();
        }
        String m = model.toLowerCase(Locale.ROOT);
        ModelPrice exact = models.get(m);
        if (exact != null) {
            return Optional.of(exact);
        }
        int slash = m.lastIndexOf('/');
        if (slash >= 0) {
            return find(m.substring(slash + 1));
        }
        String undated = m.replaceFirst("-(\\d{4}-\\d{2}-\\d{2}|\\d{8})$", "");
        return undated.equals(m) ? Optional.empty() : Optional.ofNullable(models.get(undated));
    }
}
