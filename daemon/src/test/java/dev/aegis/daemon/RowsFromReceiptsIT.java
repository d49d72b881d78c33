package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.receipts.ReceiptKeys;
import dev.aegis.receipts.ReceiptTrail;
import dev.aegis.receipts.ReceiptVerifier;
import dev.aegis.receipts.Receipts;
import dev.aegis.receipts.VerifyResult;
import dev.aegis.store.ReceiptHead;
import dev.aegis.store.ReceiptHeadStore;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon killed after signing a batch's receipts and before storing its rows (they move with the store's head
 * in one transaction, the receipts are on disk first): its next start writes those rows from the receipts, so the
 * calls are in the usage report and the budgets again, and the head reaches the trail's end.
 */
class RowsFromReceiptsIT {

    @TempDir
    Path temp;

    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void theNextStartWritesTheRowsOfReceiptsPastTheStoresHead() throws Exception {
        Path home = temp.resolve("home");
        List<String> ids = new ArrayList<>();
        Map<String, Long> costs = new java.util.HashMap<>();
        try (TestGateway g = TestGateway.startIn(home, null, Map.of())) {
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", CHAT));
                assertThat(r.statusCode()).isEqualTo(200);
                ids.add(r.headers().firstValue("X-Request-Id").orElseThrow());
            }
            for (String id : ids) {
                costs.put(id, g.awaitUsage(id).costNanos());
            }
        }
        // The state a kill leaves: the last two calls signed, their rows not stored, the head two receipts back.
        String instance = Files.readString(home.resolve("keys").resolve("receipts.instance")).strip();
        List<String> lines = new ArrayList<>();
        for (Path f : ReceiptVerifier.files(home.resolve("receipts"))) {
            lines.addAll(Files.readAllLines(f));
        }
        assertThat(lines).hasSize(5);
        try (var db = dev.aegis.store.Database.open(dev.aegis.store.Database.defaultUrl(new dev.aegis.home.AegisHome(home)))) {
            ReceiptHeadStore heads = new ReceiptHeadStore(db);
            ReceiptHead head = heads.head(instance).orElseThrow();
            assertThat(head.seq()).isEqualTo(5);
            db.write(c -> {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM usage WHERE request_id IN (?, ?)")) {
                    ps.setString(1, ids.get(3));
                    ps.setString(2, ids.get(4));
                    return ps.executeUpdate();
                }
            });
            String third = Receipts.sha256Hex(lines.get(2).getBytes(StandardCharsets.UTF_8));
            db.write(c -> { // a head only moves forward: set back as the store was before the lost batch
                try (PreparedStatement ps = c.prepareStatement("UPDATE receipt_heads SET seq = 3, hash = ? WHERE instance = ?")) {
                    ps.setString(1, third);
                    ps.setString(2, instance);
                    return ps.executeUpdate();
                }
            });
            assertThat(heads.head(instance).orElseThrow().seq()).isEqualTo(3);
        }

        try (TestGateway g = TestGateway.startIn(home, null, Map.of())) {
            for (String id : ids.subList(3, 5)) {
                UsageRowView row = g.awaitUsage(id);
                assertThat(row.status()).isEqualTo(200);
                assertThat(row.costNanos()).as("as the receipt records it").isEqualTo(costs.get(id));
            }
            ReceiptHeadStore heads = new ReceiptHeadStore(g.db);
            assertThat(heads.head(instance).orElseThrow().seq()).isEqualTo(5);
            HttpResponse<String> after = Http.send(g.post("/v1/chat/completions", CHAT));
            g.awaitUsage(after.headers().firstValue("X-Request-Id").orElseThrow());
            ReceiptKeys.Pair keys = ReceiptKeys.load(home.resolve("keys").resolve("receipts.key"));
            VerifyResult verified = new ReceiptVerifier(keys.publicKey(), 2).verify(ReceiptTrail.folder(home.resolve("receipts")),
                    new ReceiptVerifier.Expectations(heads.head(instance).orElse(null), heads.highestUsageReceipt(instance), null,
                            Set.of()));
            assertThat(verified.intact()).as("%s", verified).isTrue();
            assertThat(verified.lastSeq()).isEqualTo(6);
        }
    }
}
