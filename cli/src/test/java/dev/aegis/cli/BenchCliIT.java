package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.json.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** `aegis bench` end to end: its own upstream and daemon, both paths measured. Shapes only, never timings. */
class BenchCliIT {

    private static final Map<String, String> ENV = Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    private static final String NUMBER = "\\d+(\\.\\d+)?";
    private static final String MS = "\\d+\\.\\d{3}";
    private static final String ADDED = "[-+]\\d+\\.\\d{3}";

    @Test
    void printsBothPathsAndWhatAegisAdded() {
        CliRun run = CliRun.run(ENV, "bench", "--requests", "200", "--concurrency", "4", "--warmup", "1s");

        assertThat(run.exitCode()).as(run.all()).isEqualTo(0);
        assertThat(run.out()).containsPattern("(?m)^path\\s+calls\\s+errors\\s+calls/s\\s+p50 ms\\s+p99 ms$")
                .containsPattern("(?m)^direct\\s+200\\s+0\\s+" + NUMBER + "\\s+" + MS + "\\s+" + MS + "$")
                .containsPattern("(?m)^through aegis\\s+200\\s+0\\s+" + NUMBER + "\\s+" + MS + "\\s+" + MS + "$")
                .containsPattern("(?m)^added by aegis\\s+" + ADDED + "\\s+" + ADDED + "$")
                .containsPattern("daemon memory \\(RSS\\): \\d+ MB idle");
    }

    @Test
    void streamsReportTheFirstByteToo() {
        CliRun run = CliRun.run(ENV, "bench", "--requests", "100", "--concurrency", "2", "--warmup", "1s", "--stream");

        assertThat(run.exitCode()).as(run.all()).isEqualTo(0);
        assertThat(run.out()).containsPattern("(?m)^path\\s+calls\\s+errors\\s+calls/s\\s+p50 ms\\s+p99 ms"
                        + "\\s+first byte p50 ms\\s+first byte p99 ms$")
                .containsPattern("(?m)^through aegis\\s+100\\s+0\\s+" + NUMBER + "(\\s+" + MS + "){4}$")
                .containsPattern("(?m)^added by aegis(\\s+" + ADDED + "){4}$");
    }

    @Test
    void jsonCarriesEveryNumberAndLargeBodiesPass() throws Exception {
        CliRun run = CliRun.run(ENV, "bench", "--requests", "50", "--warmup", "1s", "--body-size", "115000", "--json");

        assertThat(run.exitCode()).as(run.all()).isEqualTo(0);
        JsonNode json = Json.mapper().readTree(run.out());
        assertThat(json.at("/settings/body_bytes").asInt()).isEqualTo(115000);
        for (String path : new String[] {"direct", "aegis"}) {
            assertThat(json.at("/" + path + "/ok").asLong()).as(path).isEqualTo(50);
            assertThat(json.at("/" + path + "/errors").asLong()).as(path).isZero();
            assertThat(json.at("/" + path + "/latency/p50_ms").asDouble()).as(path).isPositive();
            assertThat(json.at("/" + path + "/requests_per_second").asDouble()).as(path).isPositive();
        }
        assertThat(json.at("/added/p99_ms").isNumber()).isTrue();
    }
}
