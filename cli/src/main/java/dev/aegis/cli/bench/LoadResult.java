package dev.aegis.cli.bench;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a load run measured.
 *
 * @param ok answers with a 2xx status, read to their end
 * @param errors failed connections and non-2xx answers
 * @param firstError the first failure, e.g. {@code 401 {"error":...}}; null when none
 * @param seconds wall time from the first request to the last answer
 * @param latency whole call: request written to the answer's last byte
 * @param firstByte request written to the answer body's first byte (the first event of a stream)
 */
public record LoadResult(long ok, long errors, String firstError, double seconds, LatencyStats latency,
        LatencyStats firstByte) {

    @JsonProperty("requests_per_second")
    public double requestsPerSecond() {
        return seconds <= 0 ? 0 : ok / seconds;
    }
}
