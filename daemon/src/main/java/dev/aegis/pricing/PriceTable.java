package dev.aegis.pricing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
    /**
     * Names a provider serves a dated model under, when the table has only the dated id: {@code o1} is
     * {@code o1-2024-12-17}, {@code claude-opus-4} is {@code claude-opus-4-20250514} (the newest date).
     */
    private final Map<String, ModelPrice> undatedAliases;

    public PriceTable(String version, Map<String, ModelPrice> models) {
        this(version, models, Map.of());
    }

    private PriceTable(String version, Map<String, ModelPrice> models, Map<String, String> providers) {
        this.version = version;
        this.models = Map.copyOf(models);
        this.providers = Map.copyOf(providers);
        this.undatedAliases = undatedAliases(this.models);
    }

    private static Map<String, ModelPrice> undatedAliases(Map<String, ModelPrice> models) {
        Map<String, String> newest = new HashMap<>();
        for (String id : models.keySet()) {
            String base = withoutDate(id);
            if (base != null && !models.containsKey(base)) {
                newest.merge(base, id, (a, b) -> a.compareTo(b) >= 0 ? a : b);
            }
        }
        Map<String, ModelPrice> out = new HashMap<>();
        newest.forEach((base, id) -> out.put(base, models.get(id)));
        return Map.copyOf(out);
    }

    /** The id without its date suffix ({@code -20250514}, {@code -2024-12-17}), or null when it has none. */
    private static String withoutDate(String id) {
        int n = id.length();
        if (n > 9 && id.charAt(n - 9) == '-' && digits(id, n - 8, n)) {
            return id.substring(0, n - 9);
        }
        if (n > 11 && id.charAt(n - 11) == '-' && digits(id, n - 10, n - 6) && id.charAt(n - 6) == '-'
                && digits(id, n - 5, n - 3) && id.charAt(n - 3) == '-' && digits(id, n - 2, n)) {
            return id.substring(0, n - 11);
        }
        return null;
    }

    private static boolean digits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** The table built into this release ({@code price-table.json}, derived from the shared price facts). */
    public static PriceTable builtIn() {
        try (InputStream in = PriceTable.class.getResourceAsStream("price-table.json")) {
            if (in == null) {
                throw new IllegalStateException("price-table.json is missing from the build");
            }
            return read(in);
        } catch (IOException e) {
            throw new IllegalStateException("price-table.json cannot be read", e);
        }
    }

    /** A table in {@code price-table.json}'s form: {@code version}, and {@code models} by name. */
    static PriceTable read(InputStream in) throws IOException {
        try (JsonParser p = Json.mapper().createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("a price table is a JSON object");
            }
            String version = "";
            Map<String, ModelPrice> models = new HashMap<>();
            Map<String, String> providers = new HashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("version") && value.isScalarValue()) {
                    version = p.getText();
                } else if (name.equals("models") && value == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String id = p.currentName().toLowerCase(Locale.ROOT);
                        p.nextToken();
                        PriceFacts model = PriceFacts.readOrSkip(p);
                        models.put(id, price(model));
                        providers.put(id, model.text("provider", ""));
                    }
                } else {
                    p.skipChildren();
                }
            }
            return new PriceTable(version, models, providers);
        }
    }

    private static ModelPrice price(PriceFacts m) {
        Rates base = rates(m, null);
        String maxOutput = m.text("max_output", null);
        Integer max = maxOutput == null ? null : new BigDecimal(maxOutput).intValue();
        BigDecimal perWebSearch = m.decimal("web_search", BigDecimal.ZERO);
        Map<String, ModelPrice> serviceTiers = new HashMap<>();
        // A service tier's missing price is the standard one, as in the facts the table is derived from.
        m.serviceTiers().forEach((name, st) -> {
            Rates rates = rates(st, base);
            serviceTiers.put(name, new ModelPrice(rates, max, tiers(st, rates), Map.of(), perWebSearch));
        });
        return new ModelPrice(base, max, tiers(m, base), serviceTiers, perWebSearch);
    }

    private static List<ModelPrice.Tier> tiers(PriceFacts m, Rates base) {
        List<ModelPrice.Tier> tiers = new ArrayList<>();
        for (PriceFacts t : m.tiers()) {
            String threshold = t.text("threshold", null);
            tiers.add(new ModelPrice.Tier(threshold == null ? 0 : new BigDecimal(threshold).longValue(), rates(t, base)));
        }
        return tiers;
    }

    /** The prices {@code n} lists; a missing one is {@code fallback}'s, or for a model's own prices the text one. */
    private static Rates rates(PriceFacts n, Rates fallback) {
        BigDecimal input = n.decimal("input", fallback == null ? BigDecimal.ZERO : fallback.input());
        BigDecimal cacheWrite = n.decimal("cache_write", fallback == null ? input : fallback.cacheWrite());
        BigDecimal output = n.decimal("output", fallback == null ? BigDecimal.ZERO : fallback.output());
        return new Rates(input,
                n.decimal("cached_input", fallback == null ? input : fallback.cachedInput()),
                cacheWrite,
                output,
                n.decimal("audio_input", fallback == null ? input : fallback.audioInput()),
                n.decimal("audio_output", fallback == null ? output : fallback.audioOutput()),
                n.decimal("cache_write_1h", fallback == null ? cacheWrite : fallback.cacheWriteHour()));
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
        // A name the provider reads with its spaces trimmed is billed as that model.
        String m = model.strip().toLowerCase(Locale.ROOT);
        ModelPrice exact = models.get(m);
        if (exact != null) {
            return Optional.of(exact);
        }
        int slash = m.lastIndexOf('/');
        if (slash >= 0) {
            return find(m.substring(slash + 1));
        }
        int at = m.lastIndexOf('@');
        if (at > 0 && at < m.length() - 1 && m.substring(at + 1).chars().allMatch(Character::isDigit)) {
            // Vertex AI's dated ids: claude-sonnet-4-5@20250929 is claude-sonnet-4-5-20250929.
            return find(m.substring(0, at) + "-" + m.substring(at + 1));
        }
        String undated = withoutDate(m);
        if (undated != null) {
            return Optional.ofNullable(models.get(undated));
        }
        // A provider's alias of a dated model: o1, claude-opus-4, and its -0 and -latest names.
        String base = m.endsWith("-latest") ? m.substring(0, m.length() - "-latest".length())
                : m.endsWith("-0") ? m.substring(0, m.length() - 2) : m;
        return Optional.ofNullable(undatedAliases.get(base));
    }
}
