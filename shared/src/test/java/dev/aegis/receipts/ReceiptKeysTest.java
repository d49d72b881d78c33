package dev.aegis.receipts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReceiptKeysTest {

    @TempDir
    Path temp;

    @Test
    void signingWithTheStoredPublicKeyGivesTheStandardSignature() throws Exception {
        ReceiptKeys.Pair keys = ReceiptKeys.loadOrCreate(temp.resolve("r.key"), temp.resolve("r.pub"));
        byte[] data = "{\"seq\":1}".getBytes(StandardCharsets.UTF_8);

        String sig = ReceiptKeys.sign(keys, data);

        byte[] fromSeedOnly = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(keys.privateKey(), 0, data, 0, data.length, fromSeedOnly, 0);
        assertThat(Base64.getDecoder().decode(sig)).isEqualTo(fromSeedOnly);
        assertThat(new ReceiptKeys.Verifier(keys.publicKey()).verify(data, sig)).isTrue();
    }

    @Test
    void aReloadedPairSignsLikeTheNewOne() throws Exception {
        ReceiptKeys.Pair created = ReceiptKeys.loadOrCreate(temp.resolve("r.key"), temp.resolve("r.pub"));
        ReceiptKeys.Pair loaded = ReceiptKeys.loadOrCreate(temp.resolve("r.key"), temp.resolve("r.pub"));
        byte[] data = "receipt".getBytes(StandardCharsets.UTF_8);

        assertThat(ReceiptKeys.sign(loaded, data)).isEqualTo(ReceiptKeys.sign(created, data));
        assertThat(ReceiptKeys.readPublic(temp.resolve("r.pub")).raw()).isEqualTo(created.publicKey().raw());
    }
}
