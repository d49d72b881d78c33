package dev.aegis.pricing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.json.Json;
import dev.aegis.pricing.ModelPrice.Rates;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a user's price file in the widely used LiteLLM {@code model_prices_and_context_window.json}
 * format (USD per token) into prices per million tokens. Entries without token prices are skipped.
 */
public final class LiteLlmPriceFile {

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private static final Pattern TIER = Pattern.compile("input_cost_per_token_above_(\\d+)k_tokens(|_priority|_flex)");
    /** The service tiers whose prices the format lists with a suffix ({@code input_cost_per_token_priority}). */
    private static final List<String> SERVICE_TIERS = List.of("priority", "flex");

    private LiteLlmPriceFile() {}

    public static Map<String, ModelPrice> read(Path file) throws IOException {
        JsonNode root = Json.mapper().readTree(Files.readAllBytes(file));
        if (!root.isObject()) {
            throw new IOException(file + " is not a JSON object of models");
        }
        Map<String, ModelPrice> out = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode m = e.getValue();
            if (!m.isObject() || !m.path("input_cost_per_token").isNumber()) {
                continue;
            }
            Integer maxOutput = m.path("max_output_tokens").canConvertToInt() ? m.path("max_output_tokens").asInt() : null;
            BigDecimal input = perMillion(m, "input_cost_per_token", BigDecimal.ZERO);
            Rates text = new Rates(input, perMillion(m, "cache_read_input_token_cost", input),
                    perMillion(m, "cache_creation_input_token_cost", input), perMillion(m, "output_cost_per_token", BigDecimal.ZERO));
            Rates base = rates(m, "", "", text);
            // USD per search, the same for every context size at Anthropic; OpenAI's default size is medium.
            JsonNode search = m.path("search_context_cost_per_query").path("search_context_size_medium");
            BigDecimal perWebSearch = search.isNumber() ? new BigDecimal(search.asText()) : BigDecimal.ZERO;
            Map<String, ModelPrice> serviceTiers = new HashMap<>();
            for (String tier : SERVICE_TIERS) {
                if (m.path("input_cost_per_token_" + tier).isNumber() || m.path("output_cost_per_token_" + tier).isNumber()) {
                    Rates rates = rates(m, "", "_" + tier, base);
                    serviceTiers.put(tier, new ModelPrice(rates, maxOutput, tiers(m, "_" + tier, rates), Map.of(), perWebSearch));
                }
            }
            out.put(e.getKey(), new ModelPrice(base, maxOutput, tiers(m, "", base), serviceTiers, perWebSearch));
        }
        return out;
    }

    /**
     * The prompt-size tiers ({@code *_above_200k_tokens}) of the standard prices ({@code serviceTier}
     * empty) or of a service tier's ({@code _priority}); a missing price is {@code base}'s.
     */
    private static List<ModelPrice.Tier> tiers(JsonNode m, String serviceTier, Rates base) {
        List<ModelPrice.Tier> tiers = new ArrayList<>();
        for (Iterator<String> names = m.fieldNames(); names.hasNext(); ) {
            Matcher t = TIER.matcher(names.next());
            if (t.matches() && t.group(2).equals(serviceTier)) {
                tiers.add(new ModelPrice.Tier(Long.parseLong(t.group(1)) * 1000,
                        rates(m, "_above_" + t.group(1) + "k_tokens", serviceTier, base)));
            }
        }
        return tiers;
    }

    /** The prices with this suffix ({@code _above_200k_tokens}, then {@code _priority}); a missing one is {@code base}'s. */
    private static Rates rates(JsonNode m, String above, String serviceTier, Rates base) {
        String suffix = above + serviceTier;
        return new Rates(perMillion(m, "input_cost_per_token" + suffix, base.input()),
                perMillion(m, "cache_read_input_token_cost" + suffix, base.cachedInput()),
                perMillion(m, "cache_creation_input_token_cost" + suffix, base.cacheWrite()),
                perMillion(m, "output_cost_per_token" + suffix, base.output()),
                perMillion(m, "input_cost_per_audio_token" + suffix, base.audioInput()),
                perMillion(m, "output_cost_per_audio_token" + suffix, base.audioOutput()),
                perMillion(m, "cache_creation_input_token_cost_above_1hr" + suffix, base.cacheWriteHour()));
    }

    private static BigDecimal perMillion(JsonNode m, String field, BigDecimal fallback) {
        JsonNode v = m.path(field);
        return v.isNumber() ? new BigDecimal(v.asText()).multiply(MILLION).stripTrailingZeros() : fallback;
    }
}
