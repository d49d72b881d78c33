package dev.aegis.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PriceFactsTest {

    /** The shipped table read in one streaming pass gives every price the tree gave, scale included. */
    @Test
    void theBuiltInTableReadsAsTheTreeReadIt() throws IOException {
        PriceTableTreeReading.Reading tree;
        try (InputStream in = PriceTable.class.getResourceAsStream("price-table.json")) {
            tree = PriceTableTreeReading.read(in);
        }

        PriceTable table = PriceTable.builtIn();

        assertSame(table, tree);
        assertThat(tree.models()).hasSizeGreaterThan(100);
        assertThat(tree.models().values()).anyMatch(m -> !m.tiers().isEmpty())
                .anyMatch(m -> !m.serviceTiers().isEmpty());
    }

    /** Tiers inside service tiers, nulls, repeated members, members of other kinds, upper-case names. */
    @Test
    void aTableOfEveryShapeReadsAsTheTreeReadsIt() throws IOException {
        String json = """
                {"version": "t.1", "unit": "USD", "extra": {"a": [1, {"b": 2}]},
                 "models": {
                  "Model-A": {"provider": "openai", "input": 1.25, "output": 10, "cached_input": null,
                    "cache_write": 0.5, "cache_write": 0.75, "max_output": 128000, "web_search": 0.025,
                    "notes": ["x", {"y": 1}], "flag": true,
                    "tiers": [{"threshold": 200000, "input": 2.5}, 7, {"threshold": 400000, "output": 30, "audio_output": 40}],
                    "service_tiers": {"priority": {"input": 2.5, "tiers": [{"threshold": 200000, "output": 20}]},
                                      "flex": {"output": 5}, "odd": 3}},
                  "b": {"input": 0.0025, "audio_input": 0.1, "audio_output": 0.4, "cache_write_1h": 6, "web_search": 0.01, "web_search": null},
                  "c": 5,
                  "d": {}
                 }}
                """;

        PriceTable table = PriceTable.read(stream(json));

        assertSame(table, PriceTableTreeReading.read(stream(json)));
        assertThat(table.find("model-a").orElseThrow().rates().cacheWrite()).isEqualByComparingTo("0.75");
        assertThat(table.find("b").orElseThrow().perWebSearch()).isZero();
    }

    private static void assertSame(PriceTable table, PriceTableTreeReading.Reading tree) {
        assertThat(table.version()).isEqualTo(tree.version());
        assertThat(table.listing()).isEqualTo(tree.providers());
        tree.models().forEach((id, price) -> assertThat(table.find(id)).as(id).contains(price));
    }

    private static InputStream stream(String json) {
        return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
    }
}
