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
    private static final Pattern TIER = Pattern.compile("input_cost_per_token_above_(\\d+)k_tokens");

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
            BigDecimal input = perMillion(m, "input_cost_per_token", BigDecimal.ZERO);
            Rates base = new Rates(input, perMillion(m, "cache_read_input_token_cost", input),
                    perMillion(m, "cache_creation_input_token_cost", input), perMillion(m, "output_cost_per_token", BigDecimal.ZERO));
            List<ModelPrice.Tier> tiers = new ArrayList<>();
            for (Iterator<String> names = m.fieldNames(); names.hasNext(); ) {
                Matcher t = TIER.matcher(names.next());
                if (t.matches()) {
                    String k = t.group(1);
                    BigDecimal tierInput = perMillion(m, t.group(), base.input());
                    tiers.add(new ModelPrice.Tier(Long.parseLong(k) * 1000, new Rates(tierInput,
                            perMillion(m, "cache_read_input_token_cost_above_" + k + "k_tokens", base.cachedInput()),
                            perMillion(m, "cache_creation_input_token_cost_above_" + k + "k_tokens", base.cacheWrite()),
                            perMillion(m, "output_cost_per_token_above_" + k + "k_tokens", base.output()))));
                }
            }
            Integer maxOutput = m.path("max_output_tokens").canConvertToInt() ? m.path("max_output_tokens").asInt() : null;
            out.put(e.getKey(), new ModelPrice(base, maxOutput, tiers));
        }
        return out;
    }

    private static BigDecimal perMillion(JsonNode m, String field, BigDecimal fallback) {
        JsonNode v = m.path(field);
        return v.isNumber() ? new BigDecimal(v.asText()).multiply(MILLION).stripTrailingZeros() : fallback;
    }
}
