package dev.aegis.receipts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.Test;

/**
 * Our batch verification against the standard (issue 25, item 4; see docs/adr/0006): RFC 8032's
 * Ed25519 test vectors, and every single-bit change of R, S, the message and the public key
 * rejected inside a batch of otherwise valid signatures, on random keys, messages, batch sizes and
 * positions (the seed is in the failure message).
 */
class Ed25519BatchForgeryTest {

    private static final HexFormat HEX = HexFormat.of();

    /** RFC 8032 §7.1, TEST 1, 2, 3 and SHA(abc): secret key, public key, message, signature. */
    private static final String[][] RFC8032 = {
        {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
        {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
        {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
            "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
    };

    @Test
    void rfc8032VectorsVerifyInBatchesAndTheirForgeriesDoNot() {
        for (String[] v : RFC8032) {
            byte[] sk = HEX.parseHex(v[0]);
            byte[] pk = HEX.parseHex(v[1]);
            byte[] msg = HEX.parseHex(v[2]);
            byte[] sig = HEX.parseHex(v[3]);
            byte[] derived = new byte[32];
            Ed25519.generatePublicKey(sk, 0, derived, 0);
            assertThat(derived).as("the vector's public key").isEqualTo(pk);
            byte[] signed = new byte[64];
            Ed25519.sign(sk, 0, msg, 0, msg.length, signed, 0);
            assertThat(signed).as("the vector's signature (deterministic)").isEqualTo(sig);

            Ed25519Batch batch = new Ed25519Batch(pk);
            assertThat(batch.verifyAll(List.of(msg), List.of(sig))).isTrue();
            assertThat(batch.verifyAll(List.of(msg, msg, msg), List.of(sig, sig, sig))).isTrue();
            for (int bit = 0; bit < 512; bit++) {
                assertThat(batch.verifyAll(List.of(msg, msg), List.of(sig, flipped(sig, bit)))).as("vector %s, sig bit %d", v[1], bit)
                        .isFalse();
            }
        }
    }

    @Test
    void everySingleBitFlipOfRSMessageAndKeyIsRejectedInsideABatch() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        for (int round = 0; round < 2; round++) {
            byte[] sk = new byte[32];
            random.nextBytes(sk);
            byte[] pk = new byte[32];
            Ed25519.generatePublicKey(sk, 0, pk, 0);
            int size = 2 + random.nextInt(15);
            int forged = random.nextInt(size);
            List<byte[]> messages = new ArrayList<>();
            List<byte[]> sigs = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                byte[] m = new byte[1 + random.nextInt(40)];
                random.nextBytes(m);
                byte[] s = new byte[64];
                Ed25519.sign(sk, 0, m, 0, m.length, s, 0);
                messages.add(m);
                sigs.add(s);
            }
            String where = "seed " + seed + ", round " + round + ", receipt " + forged + " of " + size;
            Ed25519Batch batch = new Ed25519Batch(pk);
            assertThat(batch.verifyAll(messages, sigs)).as(where).isTrue();

            for (int bit = 0; bit < 512; bit++) { // R is bits 0-255, S bits 256-511
                List<byte[]> tampered = new ArrayList<>(sigs);
                tampered.set(forged, flipped(sigs.get(forged), bit));
                assertThat(batch.verifyAll(messages, tampered)).as("%s: %s bit %d", where, bit < 256 ? "R" : "S", bit % 256).isFalse();
            }
            for (int bit = 0; bit < messages.get(forged).length * 8; bit++) {
                List<byte[]> tampered = new ArrayList<>(messages);
                tampered.set(forged, flipped(messages.get(forged), bit));
                assertThat(batch.verifyAll(tampered, sigs)).as("%s: message bit %d", where, bit).isFalse();
            }
            for (int bit = 0; bit < 256; bit++) {
                assertThat(new Ed25519Batch(flipped(pk, bit)).verifyAll(messages, sigs)).as("%s: key bit %d", where, bit).isFalse();
            }
        }
    }

    private static byte[] flipped(byte[] b, int bit) {
        byte[] out = b.clone();
        out[bit / 8] ^= (byte) (1 << (bit % 8));
        return out;
    }
}
