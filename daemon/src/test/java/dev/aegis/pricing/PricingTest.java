package dev.aegis.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.config.PricingConfig;
import dev.aegis.usage.TokenUsage;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PricingTest {

    @TempDir
    Path temp;

    private static final Pricing BUILT_IN = new Pricing(PriceTable.builtIn(), false);

    @Test
    void builtInTableIsVersionedAndHasTheCommonModels() {
        assertThat(BUILT_IN.version()).isEqualTo("2026-07-24.4");
        assertThat(BUILT_IN.price("gpt-4o-mini")).isPresent();
        assertThat(BUILT_IN.price("claude-sonnet-4-5")).hasValueSatisfying(p -> assertThat(p.maxOutput()).isEqualTo(64000));
        assertThat(BUILT_IN.price("openai/gpt-4o-mini")).isPresent();
        assertThat(BUILT_IN.price("gpt-4o-mini-2024-07-18")).isPresent();
        assertThat(BUILT_IN.price("no-such-model")).isEmpty();
    }

    @Test
    void anOpenAiSearchModelsAnswerIsOneSearchOnTopOfItsTokens() {
        TokenUsage answered = new TokenUsage(10, 0, 0, 100, 0);
        // gpt-4o-search-preview: 2.5 in, 10 out per million, and $0.035 a search.
        assertThat(BUILT_IN.cost("gpt-4o-search-preview", answered).usd())
                .isEqualByComparingTo(new BigDecimal("0.001025").add(new BigDecimal("0.035")));
        // Another model of the same family without search: tokens only (it has a search price for its tool).
        assertThat(BUILT_IN.cost("gpt-4o-mini-2024-07-18", answered).usd()).isEqualByComparingTo("0.0000615");
        // A call that produced nothing ran no search.
        assertThat(BUILT_IN.cost("gpt-4o-search-preview", TokenUsage.NONE).usd()).isEqualByComparingTo("0");
    }

    @Test
    void aProvidersAliasOfADatedModelIsPricedAsItsNewestDate() {
        assertThat(BUILT_IN.price("o1")).isEqualTo(BUILT_IN.price("o1-2024-12-17")).isPresent();
        assertThat(BUILT_IN.price("claude-opus-4-0")).isEqualTo(BUILT_IN.price("claude-opus-4-20250514")).isPresent();
        assertThat(BUILT_IN.price("claude-sonnet-4-0")).isEqualTo(BUILT_IN.price("claude-sonnet-4-20250514")).isPresent();
        assertThat(BUILT_IN.price("anthropic/claude-opus-4")).isEqualTo(BUILT_IN.price("claude-opus-4-20250514"));
        assertThat(BUILT_IN.price("claude-3-7-sonnet-latest")).isEqualTo(BUILT_IN.price("claude-3-7-sonnet-20250219")).isPresent();
        // A name with a price of its own keeps it; a name the table has no date of stays unpriced.
        assertThat(BUILT_IN.price("o1-pro")).isNotEqualTo(BUILT_IN.price("o1"));
        assertThat(BUILT_IN.price("gpt-4o")).isNotEqualTo(BUILT_IN.price("gpt-4o-2024-05-13"));
        assertThat(BUILT_IN.price("o7")).isEmpty();
        assertThat(BUILT_IN.price("o1-latest-2")).isEmpty();
    }

    @Test
    void vertexDatedIdsAndNamesPaddedWithSpacesArePricedAsTheModelTheyName() {
        assertThat(BUILT_IN.price("claude-sonnet-4-5@20250929")).isEqualTo(BUILT_IN.price("claude-sonnet-4-5-20250929")).isPresent();
        assertThat(BUILT_IN.price("vertex_ai/claude-sonnet-4-5@20250929")).isEqualTo(BUILT_IN.price("claude-sonnet-4-5-20250929"));
        assertThat(BUILT_IN.price(" gpt-4o-mini ")).isEqualTo(BUILT_IN.price("gpt-4o-mini")).isPresent();
        assertThat(BUILT_IN.price("@20250929")).isEmpty();
        assertThat(BUILT_IN.price("gpt-4o@mini")).as("only a date or version after the @").isEmpty();
    }

    @Test
    void cacheReadsAndWritesAreBilledOnceAtTheirOwnRates() {
        // 525 input of which 400 cache reads and 100 cache writes: only 25 at the input rate.
        Cost c = BUILT_IN.cost("claude-sonnet-4-5", new TokenUsage(525, 400, 100, 15, 0));
        assertThat(c.usd()).isEqualByComparingTo("0.000795");
        assertThat(c.unpriced()).isFalse();
    }

    @Test
    void largePromptsUseTheHigherTierForTheWholeCall() {
        Cost small = BUILT_IN.cost("claude-sonnet-4-5", new TokenUsage(200_000, 0, 0, 1000, 0));
        Cost large = BUILT_IN.cost("claude-sonnet-4-5", new TokenUsage(200_001, 0, 0, 1000, 0));
        assertThat(small.usd()).isEqualByComparingTo("0.615"); // 200000 × 3 + 1000 × 15 per M
        assertThat(large.usd()).isEqualByComparingTo("1.222506"); // 200001 × 6 + 1000 × 22.5 per M
    }

    @Test
    void reasoningIsPartOfOutputNotBilledTwice() {
        Cost c = BUILT_IN.cost("gpt-4o-mini", new TokenUsage(21, 5, 0, 5, 2));
        assertThat(c.usd()).isEqualByComparingTo("0.000005775");
    }

    @Test
    void unknownModelsAreUnpricedAtZero() {
        Cost c = BUILT_IN.cost("llama3.2", new TokenUsage(100, 0, 0, 100, 0));
        assertThat(c.unpriced()).isTrue();
        assertThat(c.usd()).isZero();
    }

    @Test
    void userFileAndOverridesApplyInOrder() throws Exception {
        Path file = temp.resolve("prices.json");
        Files.writeString(file, """
                {"sample_spec": {"mode": "chat"},
                 "my-model": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06, "cache_read_input_token_cost": 1e-07,
                              "input_cost_per_token_above_128k_tokens": 2e-06, "max_output_tokens": 4096},
                 "gpt-4o-mini": {"input_cost_per_token": 9e-06, "output_cost_per_token": 9e-06}}
                """);
        Pricing p = Pricing.from(new PricingConfig(true, file, Map.of("gpt-4o-mini",
                new PricingConfig.PriceOverride(BigDecimal.ONE, null, null, BigDecimal.TEN))));

        assertThat(p.version()).isEqualTo("2026-07-24.4+file+overrides");
        assertThat(p.refuseUnknown()).isTrue();
        assertThat(p.cost("my-model", new TokenUsage(1000, 100, 0, 1000, 0)).usd()).isEqualByComparingTo("0.00291");
        assertThat(p.cost("my-model", new TokenUsage(200_000, 0, 0, 0, 0)).usd()).isEqualByComparingTo("0.4");
        assertThat(p.cost("gpt-4o-mini", new TokenUsage(1_000_000, 0, 0, 1_000_000, 0)).usd()).isEqualByComparingTo("11");
    }

    @Test
    void aCallIsPricedAtTheServiceTierItsAnswerNames() {
        TokenUsage u = new TokenUsage(1_000_000, 200_000, 0, 1_000_000, 0);
        // gpt-5: 1.25 / 0.125 / 10 standard, 2.5 / 0.25 / 20 priority, 0.625 / 0.0625 / 5 flex per M.
        assertThat(BUILT_IN.cost("gpt-5", u).usd()).isEqualByComparingTo("11.025");
        assertThat(BUILT_IN.cost("gpt-5", u, "default", "priority").usd()).isEqualByComparingTo("11.025");
        assertThat(BUILT_IN.cost("gpt-5", u, "priority", null).usd()).isEqualByComparingTo("22.05");
        assertThat(BUILT_IN.cost("gpt-5-2025-08-07", u, "flex", null).usd()).isEqualByComparingTo("5.5125");
        // An answer that names no tier is counted at the one asked for only when that one is dearer.
        assertThat(BUILT_IN.cost("gpt-5", u, null, "priority").usd()).isEqualByComparingTo("22.05");
        assertThat(BUILT_IN.cost("gpt-5", u, null, "flex").usd()).isEqualByComparingTo("11.025");
        // A tier without prices of its own, or a model without tiers, is standard.
        assertThat(BUILT_IN.cost("gpt-5", u, "scale", "priority").usd()).isEqualByComparingTo("11.025");
        assertThat(BUILT_IN.cost("claude-sonnet-4-5", u, "priority", "priority").usd())
                .isEqualByComparingTo(BUILT_IN.cost("claude-sonnet-4-5", u).usd());
    }

    @Test
    void aServiceTiersPromptSizeTierAndMissingPricesComeFromTheFacts() {
        // gemini-3-pro-preview priority: 3.6 / 0.36 / 21.6 per M, above 200k 7.2 / 0.72 / 32.4.
        assertThat(BUILT_IN.cost("gemini-3-pro-preview", new TokenUsage(200_001, 0, 0, 1000, 0), "priority", null).usd())
                .isEqualByComparingTo("1.4724072"); // 200001 × 7.2 + 1000 × 32.4 per M
        // gpt-5-nano lists only a priority input price (2.5 per M): its output stays the standard one (0.4 per M).
        assertThat(BUILT_IN.price("gpt-5-nano", "priority")).hasValueSatisfying(p -> {
            assertThat(p.rates().input()).isEqualByComparingTo("2.5");
            assertThat(p.rates().output()).isEqualByComparingTo("0.4");
        });
        assertThat(BUILT_IN.price("gpt-5", "flex")).hasValueSatisfying(p ->
                assertThat(p.rates().output()).as("an estimate never counts less than standard").isEqualByComparingTo("10"));
    }

    @Test
    void audioAndHourLongCacheWritesArePricedApart() {
        // gpt-audio per M: text 2.5 in / 10 out, audio 32 in / 64 out. 1000 input of which 600 audio,
        // 500 output of which 400 audio.
        assertThat(BUILT_IN.cost("gpt-audio", new TokenUsage(1000, 0, 0, 500, 0, 600, 400, 0)).usd())
                .isEqualByComparingTo("0.0468"); // 400 × 2.5 + 600 × 32 + 100 × 10 + 400 × 64
        // claude-sonnet-4-5 per M: cache writes 3.75 for five minutes, 6 for an hour (12 above 200k).
        assertThat(BUILT_IN.cost("claude-sonnet-4-5", new TokenUsage(1525, 400, 1100, 15, 0, 0, 0, 1000)).usd())
                .isEqualByComparingTo("0.006795"); // 25 × 3 + 400 × 0.3 + 100 × 3.75 + 1000 × 6 + 15 × 15
        assertThat(BUILT_IN.cost("claude-sonnet-4-5", new TokenUsage(200_001, 0, 1000, 0, 0, 0, 0, 1000)).usd())
                .isEqualByComparingTo("1.206006"); // 199001 × 6 + 1000 × 12
        // Audio counted on a model without audio prices costs what text does.
        assertThat(BUILT_IN.cost("gpt-4o-mini", new TokenUsage(1000, 0, 0, 500, 0, 600, 400, 0)).usd())
                .isEqualByComparingTo(BUILT_IN.cost("gpt-4o-mini", new TokenUsage(1000, 0, 0, 500, 0)).usd());
    }

    @Test
    void anOpenAiCacheWriteIsPricedAtItsOwnPrice() {
        // gpt-5.6 per M: input 5, cache reads 0.5, cache writes 6.25, output 30.
        assertThat(BUILT_IN.cost("gpt-5.6", new TokenUsage(10000, 2000, 4000, 100, 0)).usd())
                .isEqualByComparingTo("0.049"); // 4000 × 5 + 2000 × 0.5 + 4000 × 6.25 + 100 × 30
    }

    @Test
    void eachWebSearchTheProviderRanIsPricedOnTopOfTheTokens() {
        TokenUsage tokens = new TokenUsage(525, 400, 100, 15, 0);
        TokenUsage searched = new TokenUsage(525, 400, 100, 15, 0, 0, 0, 0, 3);
        // Anthropic: $10 per 1,000 searches.
        assertThat(BUILT_IN.cost("claude-sonnet-4-5", searched).usd())
                .isEqualByComparingTo(BUILT_IN.cost("claude-sonnet-4-5", tokens).usd().add(new BigDecimal("0.03")));
        assertThat(BUILT_IN.cost("claude-sonnet-4-5", searched, "priority", null).usd())
                .as("a service tier keeps the model's search price").isEqualByComparingTo("0.030795");
    }

    @Test
    void aUserPriceFileMayListAudioHourLongCacheWriteAndSearchPrices() throws Exception {
        Pricing p = fromPriceFile("""
                {"my-model": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06,
                              "cache_creation_input_token_cost": 1.25e-06, "cache_creation_input_token_cost_above_1hr": 2e-06,
                              "input_cost_per_audio_token": 1e-05, "output_cost_per_audio_token": 2e-05,
                              "search_context_cost_per_query": {"search_context_size_low": 0.01,
                                  "search_context_size_medium": 0.02, "search_context_size_high": 0.03}}}
                """);
        assertThat(p.cost("my-model", new TokenUsage(3000, 0, 2000, 1000, 0, 500, 300, 1500)).usd())
                .isEqualByComparingTo("0.016525"); // 500 × 1 + 500 × 10 + 500 × 1.25 + 1500 × 2 + 700 × 2 + 300 × 20 per M
        assertThat(p.cost("my-model", new TokenUsage(0, 0, 0, 0, 0, 0, 0, 0, 2)).usd()).isEqualByComparingTo("0.04");
    }

    @Test
    void aUserPriceFileMayListServiceTierPrices() throws Exception {
        Pricing p = fromPriceFile("""
                {"my-model": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06,
                              "input_cost_per_token_priority": 2e-06, "output_cost_per_token_priority": 4e-06,
                              "input_cost_per_token_above_100k_tokens": 3e-06,
                              "input_cost_per_token_above_100k_tokens_priority": 5e-06,
                              "input_cost_per_token_flex": 5e-07}}
                """);
        TokenUsage small = new TokenUsage(1000, 0, 0, 1000, 0);
        TokenUsage large = new TokenUsage(100_001, 0, 0, 0, 0);
        assertThat(p.cost("my-model", small).usd()).isEqualByComparingTo("0.003");
        assertThat(p.cost("my-model", small, "priority", null).usd()).isEqualByComparingTo("0.006");
        assertThat(p.cost("my-model", small, "flex", null).usd()).isEqualByComparingTo("0.0025");
        assertThat(p.cost("my-model", large).usd()).isEqualByComparingTo("0.300003");
        assertThat(p.cost("my-model", large, "priority", null).usd()).isEqualByComparingTo("0.500005");
    }

    /** Built-in prices with a user price file of this content (LiteLLM format). */
    private Pricing fromPriceFile(String json) throws Exception {
        Path file = temp.resolve("prices.json");
        Files.writeString(file, json);
        return Pricing.from(new PricingConfig(false, file, Map.of()));
    }

    @Test
    void aCostIsTheExactSumOverAMillionWithNoRounding() {
        java.util.Random random = new java.util.Random(29);
        for (int i = 0; i < 20_000; i++) {
            ModelPrice.Rates r = new ModelPrice.Rates(rate(random), rate(random), rate(random), rate(random));
            TokenUsage u = new TokenUsage(random.nextLong(2_000_000_000L), random.nextLong(1_000_000), random.nextLong(1_000_000),
                    random.nextLong(200_000_000L), 0);
            BigDecimal cost = Pricing.cost(new ModelPrice(r, null, java.util.List.of()), u);
            // Cache reads and writes are parts of the input: never more than it.
            long cached = Math.min(u.cachedInput(), u.input());
            long written = Math.min(u.cacheWrite(), u.input() - cached);
            BigDecimal expected = r.input().multiply(BigDecimal.valueOf(u.input() - cached - written))
                    .add(r.cachedInput().multiply(BigDecimal.valueOf(cached)))
                    .add(r.cacheWrite().multiply(BigDecimal.valueOf(written)))
                    .add(r.output().multiply(BigDecimal.valueOf(u.output())))
                    .divide(BigDecimal.valueOf(1_000_000), java.math.MathContext.UNLIMITED);
            assertThat(cost).as("%s %s", r, u).isEqualByComparingTo(expected);
            assertThat(cost).isEqualTo(expected.stripTrailingZeros());
        }
    }

    /** A price per million tokens: up to $1000 with up to 7 decimals, sometimes zero. */
    private static BigDecimal rate(java.util.Random random) {
        return random.nextInt(10) == 0 ? BigDecimal.ZERO : BigDecimal.valueOf(random.nextLong(10_000_000_000L), random.nextInt(8));
    }

    @Test
    void cacheReadsBeyondThePromptAreNotPricedBeyondIt() {
        // A provider's count of 500 cache reads in a prompt of 100: the prompt, all of it read from the cache.
        assertThat(BUILT_IN.cost("gpt-4o-mini", new TokenUsage(100, 500, 0, 10, 0)).usd())
                .isEqualByComparingTo(BUILT_IN.cost("gpt-4o-mini", new TokenUsage(100, 100, 0, 10, 0)).usd());
        assertThat(new TokenUsage(Long.MAX_VALUE, 0, 0, 5, 0).input()).isEqualTo(TokenUsage.MAX_COUNT);
    }
}
