package dev.aegis.records;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.receipts.ReceiptInput;
import dev.aegis.receipts.ReceiptKeys;
import dev.aegis.receipts.ReceiptLog;
import dev.aegis.receipts.ReceiptVerifier;
import dev.aegis.store.ReceiptHead;
import dev.aegis.store.UsageRow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Receipts first, then their rows, each naming its receipt; a failed append never signs a receipt twice. */
class SignedUsageTest {

    @TempDir
    Path temp;

    @Test
    void rowsNameTheirReceiptsAndCarryTheHeadAfterTheirBatch() throws Exception {
        ReceiptKeys.Pair keys = ReceiptKeys.generate();
        Path dir = temp.resolve("receipts");
        ReceiptLog log = ReceiptLog.open(dir, keys, "0123456789abcdef", InstantSource.system());
        List<SignedRow> handed = new ArrayList<>();
        SignedUsage sink = new SignedUsage(log, handed::addAll);

        sink.accept(new ArrayList<>(List.of(input("a"), input("b"), input("c"))));
        assertThat(handed).extracting(r -> r.row().requestId()).containsExactly("a", "b", "c");
        assertThat(handed).extracting(SignedRow::receiptSeq).containsExactly(1L, 2L, 3L);
        assertThat(handed).allSatisfy(r -> assertThat(r.head()).isEqualTo(log.head()));
        assertThat(log.head().seq()).isEqualTo(3);
        assertThat(new ReceiptVerifier(keys.publicKey()).verify(dir).intact()).isTrue();

        sink.accept(new ArrayList<>(List.of(input("d"))));
        assertThat(handed.getLast().receiptSeq()).isEqualTo(4);
        assertThat(handed.getLast().head().seq()).isEqualTo(4);
    }

    /**
     * Rows of two batches of receipts in one usage batch: stored as two runs, each with its own batch's
     * head (one run with the second head left the first unmoved, and the second with it).
     */
    @Test
    void theStoreStepWritesTheRowsWithTheirSeqsRunByRunEachWithItsOwnHead() {
        List<Object[]> stored = new ArrayList<>();
        SignedRow.RowStore store = (rows, firstReceiptSeq, head) ->
                stored.add(new Object[] {rows.stream().map(UsageRow::requestId).toList(), firstReceiptSeq, head});
        ReceiptHead first = new ReceiptHead(2, "h2", "k");
        ReceiptHead second = new ReceiptHead(3, "h3", "k");
        SignedRow.store(store).accept(new ArrayList<>(List.of(new SignedRow(input("a").row(), 1, first),
                new SignedRow(input("b").row(), 2, first), new SignedRow(input("c").row(), 3, second))));
        assertThat(stored).hasSize(2);
        assertThat(stored.get(0)).containsExactly(List.of("a", "b"), 1L, first);
        assertThat(stored.get(1)).containsExactly(List.of("c"), 3L, second);
    }

    /** Rows kept by two stops, written by a start: two runs, each stored with its own last head; a failing run stays in the batch. */
    @Test
    void rowsOfSeveralRunsAreStoredRunByRunAndAFailedRunIsKept() {
        List<Long> firsts = new ArrayList<>();
        SignedRow.RowStore store = (rows, firstReceiptSeq, head) -> {
            if (firstReceiptSeq == 9) {
                throw new IllegalStateException("database down");
            }
            firsts.add(firstReceiptSeq);
        };
        ReceiptHead two = new ReceiptHead(2, "h2", "k", "0123456789abcdef");
        ReceiptHead six = new ReceiptHead(6, "h6", "k", "0123456789abcdef");
        ReceiptHead nine = new ReceiptHead(9, "h9", "k", "0123456789abcdef");
        List<SignedRow> batch = new ArrayList<>(List.of(new SignedRow(input("a").row(), 1, two), new SignedRow(input("b").row(), 2, two),
                new SignedRow(input("c").row(), 5, six), new SignedRow(input("d").row(), 6, six),
                new SignedRow(input("e").row(), 9, nine)));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SignedRow.store(store).accept(batch))
                .isInstanceOf(IllegalStateException.class);
        assertThat(firsts).containsExactly(1L, 5L);
        assertThat(batch).extracting(SignedRow::receiptSeq).containsExactly(9L);
    }

    private static ReceiptInput input(String id) {
        UsageRow row = new UsageRow(1_763_600_000_000L, id, "k1", "default", null, "/v1/responses", "gpt-4o-mini",
                "gpt-4o-mini", "openai", 200, null, 21, 5, 0, 5, 2, 1000, false, "2026-07-24.1", 12.5, 3.0, true, true);
        return new ReceiptInput(row, "{}".getBytes(StandardCharsets.UTF_8), null, "ab".repeat(32));
    }
}
