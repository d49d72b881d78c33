package dev.aegis.cli.tail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.json.JsonMoney;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/** The last minute of calls the live view has seen: how many, what they cost, how many failed, the median latency. */
final class RecentCalls {

    static final Duration WINDOW = Duration.ofMinutes(1);

    private record Call(long atMillis, BigDecimal cost, boolean failed, double latencyMs) {}

    /** What the header shows. */
    record Summary(int calls, BigDecimal spend, int errors, double p50LatencyMs) {

        String line() {
            return calls + " calls · $" + JsonMoney.plain(spend) + " · " + errors + " errors · p50 "
                    + (calls == 0 ? "-" : Math.round(p50LatencyMs) + " ms");
        }
    }

    private final Deque<Call> calls = new ArrayDeque<>();

    synchronized void add(JsonNode event, long nowMillis) {
        JsonNode cost = event.path("cost_usd");
        calls.addLast(new Call(nowMillis, cost.isNumber() ? cost.decimalValue() : BigDecimal.ZERO,
                event.path("status").asInt() >= 400, event.path("latency_ms").asDouble()));
        forgetBefore(nowMillis - WINDOW.toMillis());
    }

    synchronized Summary summary(long nowMillis) {
        forgetBefore(nowMillis - WINDOW.toMillis());
        BigDecimal spend = BigDecimal.ZERO;
        int errors = 0;
        double[] latencies = new double[calls.size()];
        int i = 0;
        for (Call c : calls) {
            spend = spend.add(c.cost());
            errors += c.failed() ? 1 : 0;
            latencies[i++] = c.latencyMs();
        }
        Arrays.sort(latencies);
        return new Summary(calls.size(), spend, errors, latencies.length == 0 ? 0 : latencies[(latencies.length - 1) / 2]);
    }

    private void forgetBefore(long cutoff) {
        while (!calls.isEmpty() && calls.peekFirst().atMillis() < cutoff) {
            calls.removeFirst();
        }
    }
}
