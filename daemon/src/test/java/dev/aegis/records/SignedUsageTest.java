package dev.aegis.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.receipts.ReceiptInput;
import dev.aegis.receipts.ReceiptKeys;
import dev.aegis.receipts.ReceiptLog;
import dev.aegis.receipts.ReceiptVerifier;
import dev.aegis.store.ReceiptHead;
import dev.aegis.store.StoreException;
import dev.aegis.store.UsageRow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Receipts first, then their rows and the head in one step; a failing store never re-signs a receipt. */
class SignedUsageTest {

    @TempDir
    Path temp;

    record Stored(List<String> ids, long firstSeq, ReceiptHead head) {}

    @Test
    void rowsNameTheirReceiptsAndARetryAfterAStoreFailureSignsNothingTwice() throws Exception {
        ReceiptKeys.Pair keys = ReceiptKeys.generate();
        Path dir = temp.resolve("receipts");
        ReceiptLog log = ReceiptLog.open(dir, keys, InstantSource.system());
        List<Stored> stored = new ArrayList<>();
        int[] failures = {1};
        SignedUsage sink = new SignedUsage(log, (rows, first, head) -> {
            if (failures[0]-- > 0) {
                throw new StoreException("database is locked", null);
            }
            stored.add(new Stored(rows.stream().map(UsageRow::requestId).toList(), first, head));
        });

        List<ReceiptInput> batch = new ArrayList<>(List.of(input("a"), input("b")));
        assertThatThrownBy(() -> sink.accept(batch)).isInstanceOf(StoreException.class);
        batch.add(input("c")); // the writer drains more into the batch it retries
        sink.accept(batch);

        assertThat(stored).hasSize(1);
        assertThat(stored.getFirst().ids()).containsExactly("a", "b", "c");
        assertThat(stored.getFirst().firstSeq()).isEqualTo(1);
        assertThat(stored.getFirst().head().seq()).isEqualTo(3);
        assertThat(stored.getFirst().head()).isEqualTo(log.head());
        assertThat(Files.readAllLines(dir.resolve(Files.list(dir).findFirst().orElseThrow().getFileName()))).hasSize(3);
        assertThat(new ReceiptVerifier(keys.publicKey()).verify(dir).intact()).isTrue();

        sink.accept(new ArrayList<>(List.of(input("d"))));
        assertThat(stored.get(1).firstSeq()).isEqualTo(4);
        assertThat(stored.get(1).head().seq()).isEqualTo(4);
    }

    private static ReceiptInput input(String id) {
        UsageRow row = new UsageRow(1_763_600_000_000L, id, "k1", "default", null, "/v1/responses", "gpt-4o-mini",
                "gpt-4o-mini", "openai", 200, null, 21, 5, 0, 5, 2, 1000, false, "2026-07-24.1", 12.5, 3.0, true, true);
        return new ReceiptInput(row, "{}".getBytes(StandardCharsets.UTF_8), null, "ab".repeat(32));
    }
}
