package dev.aegis.receipts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReceiptSignerTest {

    @TempDir
    Path temp;

    private ReceiptKeys.Pair keys() throws Exception {
        return ReceiptKeys.loadOrCreate(temp.resolve("r.key"), temp.resolve("r.pub"));
    }

    @Test
    void onLinuxX86OrArmTheNativeSignerIsTheOneUsed() throws Exception {
        String os = System.getProperty("os.name").toLowerCase();
        String arch = System.getProperty("os.arch");
        assumeTrue(os.equals("linux") && (arch.equals("amd64") || arch.equals("aarch64")), "AWS-LC ships builds for Linux only");

        assertThat(ReceiptSigner.forKeys(keys()).implementation()).isEqualTo("aws-lc");
    }

    @Test
    void everySignerGivesBouncyCastlesBytesAndTheyVerify() throws Exception {
        ReceiptKeys.Pair keys = keys();
        ReceiptSigner chosen = ReceiptSigner.forKeys(keys);
        ReceiptSigner reference = ReceiptSigner.bouncyCastle(keys);
        ReceiptKeys.Verifier verifier = new ReceiptKeys.Verifier(keys.publicKey());
        Random random = new Random(7);
        for (int i = 0; i < 300; i++) {
            byte[] data = new byte[random.nextInt(2_000)];
            random.nextBytes(data);
            String sig = chosen.sign(data);
            assertThat(sig).isEqualTo(reference.sign(data));
            assertThat(verifier.verify(data, sig)).isTrue();
        }
    }

    @Test
    void theNativeSignerCanBeTurnedOff() throws Exception {
        System.setProperty("aegis.receipts.nativeSigning", "false");
        try {
            ReceiptSigner signer = ReceiptSigner.forKeys(keys());
            assertThat(signer.implementation()).isEqualTo("bouncycastle");
            byte[] data = "{\"seq\":1}".getBytes(StandardCharsets.UTF_8);
            assertThat(new ReceiptKeys.Verifier(keys().publicKey()).verify(data, signer.sign(data))).isTrue();
        } finally {
            System.clearProperty("aegis.receipts.nativeSigning");
        }
    }
}
