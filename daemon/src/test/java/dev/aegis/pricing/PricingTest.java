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
        assertThat(BUILT_IN.version()).isEqualTo("2026-07-24.1");
        assertThat(BUILT_IN.price("gpt-4o-mini")).isPresent();
        assertThat(BUILT_IN.price("claude-sonnet-4-5")).hasValueSatisfying(p -> assertThat(p.maxOutput()).isEqualTo(64000));
        assertThat(BUILT_IN.price("openai/gpt-4o-mini")).isPresent();
        assertThat(BUILT_IN.price("gpt-4o-mini-2024-07-18")).isPresent();
        assertThat(BUILT_IN.price("no-such-model")).isEmpty();
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

        assertThat(p.version()).isEqualTo("2026-07-24.1+file+overrides");
        assertThat(p.refuseUnknown()).isTrue();
        assertThat(p.cost("my-model", new TokenUsage(1000, 100, 0, 1000, 0)).usd()).isEqualByComparingTo("0.00291");
        assertThat(p.cost("my-model", new TokenUsage(200_000, 0, 0, 0, 0)).usd()).isEqualByComparingTo("0.4");
        assertThat(p.cost("gpt-4o-mini", new TokenUsage(1_000_000, 0, 0, 1_000_000, 0)).usd()).isEqualByComparingTo("11");
    }

    @Test
    void aCostIsTheExactSumOverAMillionWithNoRounding() {
        java.util.Random random = new java.util.Random(29);
        for (int i = 0; i < 20_000; i++) {
            ModelPrice.Rates r = new ModelPrice.Rates(rate(random), rate(random), rate(random), rate(random));
            TokenUsage u = new TokenUsage(random.nextLong(2_000_000_000L), random.nextLong(1_000_000), random.nextLong(1_000_000),
                    random.nextLong(200_000_000L), 0);
            BigDecimal cost = Pricing.cost(new ModelPrice(r, null, java.util.List.of()), u);
            long uncached = Math.max(0, u.input() - u.cachedInput() - u.cacheWrite());
            BigDecimal expected = r.input().multiply(BigDecimal.valueOf(uncached))
                    .add(r.cachedInput().multiply(BigDecimal.valueOf(u.cachedInput())))
                    .add(r.cacheWrite().multiply(BigDecimal.valueOf(u.cacheWrite())))
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
}
