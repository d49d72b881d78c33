package dev.aegis.events;

import dev.aegis.json.JsonMoney;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.json.Json;
import dev.aegis.store.Money;
import dev.aegis.store.UsageRow;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * One event per finished or refused call, fanned out to live subscribers ({@code aegis tail}).
 * Each subscriber has a bounded queue: when a slow reader falls behind, its oldest events are
 * dropped (and counted), so a subscriber never slows a call.
 */
public final class EventBus {

    static final int QUEUE = 1024;

    /** A live subscription; close it when the reader goes away. */
    public static final class Subscription implements AutoCloseable {
        private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE);
        private final AtomicLong dropped = new AtomicLong();
        private final EventBus bus;
        private final Predicate<UsageRow> which;

        private Subscription(EventBus bus, Predicate<UsageRow> which) {
            this.bus = bus;
            this.which = which;
        }

        /** The next event's JSON, or null after the timeout. */
        public String next(long timeoutMillis) throws InterruptedException {
            return queue.poll(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        public long dropped() {
            return dropped.get();
        }

        void offer(String event) {
            while (!queue.offer(event)) {
                if (queue.poll() != null) {
                    dropped.incrementAndGet();
                }
            }
        }

        @Override
        public void close() {
            bus.subscribers.remove(this);
        }
    }

    private final Set<Subscription> subscribers = new CopyOnWriteArraySet<>();

    public Subscription subscribe() {
        return subscribe(row -> true);
    }

    /** A subscription to the calls that pass the filter (a dashboard viewer's own key, say). */
    public Subscription subscribe(Predicate<UsageRow> which) {
        Subscription s = new Subscription(this, which);
        subscribers.add(s);
        return s;
    }

    /** Sends a call to every subscriber, with the name of its key (null when it had none). */
    public void publish(UsageRow row, String keyName) {
        if (subscribers.isEmpty()) {
            return;
        }
        String json = json(row, keyName);
        for (Subscription s : subscribers) {
            if (s.which.test(row)) {
                s.offer(json);
            }
        }
    }

    static String json(UsageRow r, String keyName) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("ts", Instant.ofEpochMilli(r.tsMillis()).toString());
        n.put("request_id", r.requestId());
        n.put("key_id", r.keyId());
        n.put("key_name", keyName);
        n.put("tenant", r.tenant());
        n.put("run", r.runId());
        n.put("session", r.agentSession().sessionId());
        n.put("agent", r.agentSession().agentId());
        n.put("client", r.agentSession().client());
        n.put("route", r.route());
        n.put("model", r.model() != null ? r.model() : r.modelRequested());
        n.put("provider", r.provider());
        n.put("status", r.status());
        n.put("latency_ms", Math.round(r.latencyMs() * 10) / 10.0);
        n.put("input_tokens", r.inputTokens());
        n.put("output_tokens", r.outputTokens());
        JsonMoney.put(n, "cost_usd", Money.toUsd(r.costNanos()));
        n.put("streamed", r.streamed());
        n.put("complete", r.complete());
        n.put("error", r.errorCode());
        if (r.toolCall() != null) {
            ObjectNode mcp = n.putObject("mcp");
            mcp.put("server", r.toolCall().server());
            mcp.put("tool", r.toolCall().tool());
            mcp.put("request_bytes", r.toolCall().requestBytes());
            mcp.put("response_bytes", r.toolCall().responseBytes());
        }
        if (!r.secrets().isEmpty()) {
            ObjectNode secrets = n.putObject("secrets");
            r.secrets().counts().forEach(secrets::put);
        }
        return n.toString();
    }
}
