package dev.aegis.receipts;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.aegis.store.Money;
import dev.aegis.store.ReceiptHead;
import dev.aegis.store.SecretFindings;
import dev.aegis.store.UsageRow;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Usage rows written back from receipts (their fields: {@link ReceiptMembers}). A daemon killed after signing
 * a batch's receipts and before storing its rows (rows and the store's head move in one transaction; the
 * receipts are on disk first) left calls charged to a key's credits with a receipt and no row: `aegis usage`
 * and the budgets' seeds did not count them. The next start writes those rows from the receipts past the
 * store's head, signed by this daemon's key, and moves the head, so the trail and the store agree again. A
 * receipt does not hold a call's latency, first byte or coding-agent session: those stay empty in such a row.
 */
public final class ReceiptRows {

    /** The rows to store and the head they move the store to; empty when nothing is past the head. */
    public record Recovered(List<UsageRow> rows, long firstSeq, ReceiptHead head) {
        static final Recovered NONE = new Recovered(List.of(), 0, null);

        public boolean isEmpty() {
            return rows.isEmpty();
        }
    }

    /**
     * The trail holds receipts past the store's head that this daemon did not write: signed by another key, of
     * another instance, a rotation, or out of order. A daemon that went on after them would move the store's head
     * past them, and so vouch for them (a forged tail, a self-signed rotation, found by an outside review).
     */
    public static final class NotOurs extends Exception {
        NotOurs(String message) {
            super(message, null, false, false);
        }
    }

    private ReceiptRows() {}

    /**
     * The rows of this instance's receipts after {@code recordedSeq} (the store's head, or the highest receipt its
     * rows name) in the trail folder, each a call's receipt signed with {@code key}; none when there is none, or the
     * next one is missing (a gap `aegis receipts verify` reports as it stays).
     *
     * @throws NotOurs when a receipt past the head is not one this daemon wrote
     */
    public static Recovered pastHead(Path dir, long recordedSeq, String instance, ReceiptKeys.ReceiptPublicKey key)
            throws IOException, NotOurs {
        List<TrailTail.Receipt> receipts = TrailTail.after(ReceiptVerifier.files(dir), recordedSeq, new ReceiptKeys.Verifier(key));
        if (receipts.isEmpty() || receipts.getFirst().seq() != recordedSeq + 1) {
            return Recovered.NONE; // none, or not the next ones: the gap is verify's to report
        }
        List<UsageRow> rows = new ArrayList<>();
        String hash = null;
        long expected = recordedSeq + 1;
        for (TrailTail.Receipt r : receipts) {
            if (r.seq() != expected++) {
                throw new NotOurs("the receipts past the store's head (seq " + recordedSeq + ") in " + dir + " are not in order"
                        + " (seq " + r.seq() + " where " + (expected - 1) + " was due)");
            }
            if (!r.signed()) {
                throw new NotOurs("receipt seq " + r.seq() + " in " + dir + ", past the store's head (seq " + recordedSeq
                        + "), does not verify with this daemon's key (keys/receipts.key)");
            }
            TreeMap<String, Object> fields;
            try {
                fields = CanonicalJson.parse(r.line());
            } catch (JsonProcessingException e) {
                throw new NotOurs("receipt seq " + r.seq() + " in " + dir + ", past the store's head, is not a receipt Aegis writes");
            }
            if (fields.get("instance") == null && !"rotation".equals(fields.get("type"))) {
                return Recovered.NONE; // this key's receipts from before instance ids (an upgrade): ours, without rows to rebuild
            }
            if (!instance.equals(fields.get("instance")) || "rotation".equals(fields.get("type"))) {
                throw new NotOurs("receipt seq " + r.seq() + " in " + dir + ", past the store's head (seq " + recordedSeq
                        + "), is " + ("rotation".equals(fields.get("type")) ? "a key rotation" : "of another instance")
                        + ", not a call this daemon recorded");
            }
            rows.add(row(fields));
            hash = Receipts.hash(r.line());
        }
        return new Recovered(rows, recordedSeq + 1,
                new ReceiptHead(receipts.getLast().seq(), hash, ReceiptKeys.fingerprint(key), instance));
    }

    /** A call's usage row from its receipt's fields. */
    static UsageRow row(Map<String, Object> f) {
        Map<?, ?> usage = f.get("usage") instanceof Map<?, ?> m ? m : Map.of();
        Map<String, Integer> secrets = new LinkedHashMap<>();
        if (f.get("secrets") instanceof Map<?, ?> m) {
            m.forEach((kind, count) -> secrets.put(String.valueOf(kind), ((Number) count).intValue()));
        }
        UsageRow.ToolCall tool = f.get("mcp") instanceof Map<?, ?> m ? new UsageRow.ToolCall(text(m.get("server")),
                text(m.get("tool")), number(m.get("request_bytes")), number(m.get("response_bytes"))) : null;
        return new UsageRow(Instant.parse(text(f.get("ts"))).toEpochMilli(), text(f.get("id")), text(f.get("key_id")),
                text(f.get("tenant")), text(f.get("run")), text(f.get("route")), text(f.get("model_requested")),
                text(f.get("model")), text(f.get("provider")), (int) number(f.get("status")), text(f.get("error")),
                number(usage.get("input")), number(usage.get("cached_input")), number(usage.get("cache_write")),
                number(usage.get("output")), number(usage.get("reasoning")),
                Money.callCostNanos(new BigDecimal(text(f.get("cost_usd")))), Boolean.TRUE.equals(f.get("unpriced")),
                text(f.get("price_version")), null, null, Boolean.TRUE.equals(f.get("streamed")),
                Boolean.TRUE.equals(f.get("complete")), SecretFindings.of(secrets), null, tool);
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }
}
