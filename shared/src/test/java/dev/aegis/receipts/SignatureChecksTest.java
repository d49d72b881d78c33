package dev.aegis.receipts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignatureChecksTest {

    @TempDir
    Path temp;

    @Test
    void intactChunksPassAndTheFirstBadReceiptOfAFailedBatchIsNamed() throws Exception {
        ReceiptKeys.Pair keys = ReceiptKeys.loadOrCreate(temp.resolve("r.key"), temp.resolve("r.pub"));
        ReceiptKeys.Pair other = ReceiptKeys.loadOrCreate(temp.resolve("o.key"), temp.resolve("o.pub"));

        assertThat(firstBad(keys, keys, -1, -1)).isNull();
        // two bad ones in the same chunk of 128, and a third in a later chunk
        SignatureChecks.Signed bad = firstBad(keys, other, 200, 230);
        assertThat(bad.line()).isEqualTo(200);
    }

    @Test
    void aSignatureThatIsNotBase64IsBad() throws Exception {
        ReceiptKeys.Pair keys = ReceiptKeys.loadOrCreate(temp.resolve("r.key"), temp.resolve("r.pub"));
        try (SignatureChecks checks = checks(keys)) {
            for (int i = 0; i < 10; i++) {
                byte[] m = ("receipt " + i).getBytes(StandardCharsets.UTF_8);
                checks.add(new SignatureChecks.Signed("f", i, i, m, i == 4 ? "not base64!" : ReceiptKeys.sign(keys, m)));
            }
            assertThat(checks.firstBad().line()).isEqualTo(4);
        }
    }

    private SignatureChecks.Signed firstBad(ReceiptKeys.Pair keys, ReceiptKeys.Pair badSigner, int bad1, int bad2)
            throws Exception {
        try (SignatureChecks checks = checks(keys)) {
            for (int i = 0; i < 500; i++) {
                byte[] m = ("receipt " + i).getBytes(StandardCharsets.UTF_8);
                ReceiptKeys.Pair signer = i == bad1 || i == bad2 || i == 400 && bad1 >= 0 ? badSigner : keys;
                checks.add(new SignatureChecks.Signed("f", i, i, m, ReceiptKeys.sign(signer, m)));
            }
            return checks.firstBad();
        }
    }

    private static SignatureChecks checks(ReceiptKeys.Pair keys) {
        return new SignatureChecks(new ReceiptKeys.Verifier(keys.publicKey()), new Ed25519Batch(keys.publicKey().raw()), 2);
    }
}
