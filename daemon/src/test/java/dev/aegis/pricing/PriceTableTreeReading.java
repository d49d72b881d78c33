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

/**
 * The test oracle for {@link PriceFacts}: the price table read as a Jackson tree, as the daemon read
 * it before (each number a double printed back as text, then a decimal). Kept apart on purpose: the
 * streaming reading must give the very same prices, scale included.
 */
final class PriceTableTreeReading {

    private PriceTableTreeReading() {}

    record Reading(String version, Map<String, ModelPrice> models, Map<String, String> providers) {}

    static Reading read(InputStream in) throws IOException {
        JsonNode root = Json.mapper().readTree(in);
        Map<String, ModelPrice> models = new HashMap<>();
        Map<String, String> providers = new HashMap<>();
        root.path("models").properties().forEach(e -> {
            String id = e.getKey().toLowerCase(Locale.ROOT);
            models.put(id, price(e.getValue()));
            providers.put(id, e.getValue().path("provider").asText(""));
        });
        return new Reading(root.path("version").asText(), models, providers);
    }

    private static ModelPrice price(JsonNode m) {
        Rates base = rates(m, null);
        Integer maxOutput = m.hasNonNull("max_output") ? m.path("max_output").asInt() : null;
        BigDecimal perWebSearch = decimal(m, "web_search", BigDecimal.ZERO);
        Map<String, ModelPrice> serviceTiers = new HashMap<>();
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
}
