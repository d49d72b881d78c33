package dev.aegis.receipts;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.Test;

class Ed25519BatchTest {

    private static final HexFormat HEX = HexFormat.of();
    /** A point of order 8. */
    private static final byte[] ORDER_8 = HEX.parseHex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a");
    private static final byte[] IDENTITY = HEX.parseHex("0100000000000000000000000000000000000000000000000000000000000000");

    private final Random random = new Random(20261123);
    private final Key key = new Key(random);
    private final Key otherKey = new Key(random);

    /** A key pair and BouncyCastle signing. */
    record Key(byte[] seed, byte[] publicKey) {
        Key(Random random) {
            this(bytes(random, 32), null);
        }

        Key {
            if (publicKey == null) {
                publicKey = new byte[32];
                Ed25519.generatePublicKey(seed, 0, publicKey, 0);
            }
        }

        byte[] sign(byte[] m) {
            byte[] sig = new byte[64];
            Ed25519.sign(seed, 0, publicKey, 0, m, 0, m.length, sig, 0);
            return sig;
        }

        boolean verifiesAlone(byte[] m, byte[] sig) {
            return sig.length == 64 && Ed25519.verify(sig, 0, publicKey, 0, m, 0, m.length);
        }
    }

    @Test
    void realSignaturesVerifyInBatchesOfEverySize() {
        Ed25519Batch batch = new Ed25519Batch(key.publicKey());
        for (int n : new int[] {1, 2, 3, 17, 128}) {
            List<byte[]> messages = messages(n);
            assertThat(batch.verifyAll(messages, signatures(key, messages))).as("batch of %d", n).isTrue();
        }
    }

    @Test
    void anEmptyBatchVerifies() {
        assertThat(new Ed25519Batch(key.publicKey()).verifyAll(List.of(), List.of())).isTrue();
    }

    @Test
    void flippingAnyBitOfAnySignatureFailsTheBatch() {
        Ed25519Batch batch = new Ed25519Batch(key.publicKey());
        List<byte[]> messages = messages(6);
        List<byte[]> sigs = signatures(key, messages);
        for (int which = 0; which < sigs.size(); which += 5) {
            for (int bit = 0; bit < 512; bit++) {
                List<byte[]> tampered = new ArrayList<>(sigs);
                tampered.set(which, flipped(sigs.get(which), bit));
                assertThat(batch.verifyAll(messages, tampered)).as("signature %d, bit %d", which, bit).isFalse();
            }
        }
    }

    @Test
    void flippingABitOfAnyMessageFailsTheBatch() {
        Ed25519Batch batch = new Ed25519Batch(key.publicKey());
        List<byte[]> messages = messages(6);
        List<byte[]> sigs = signatures(key, messages);
        for (int which = 0; which < messages.size(); which++) {
            for (int k = 0; k < 8; k++) {
                List<byte[]> tampered = new ArrayList<>(messages);
                tampered.set(which, flipped(messages.get(which), random.nextInt(messages.get(which).length * 8)));
                assertThat(batch.verifyAll(tampered, sigs)).as("message %d", which).isFalse();
            }
        }
    }

    @Test
    void aSignatureByAnotherKeyFailsTheBatch() {
        List<byte[]> messages = messages(10);
        List<byte[]> sigs = signatures(key, messages);
        sigs.set(7, otherKey.sign(messages.get(7)));

        assertThat(new Ed25519Batch(key.publicKey()).verifyAll(messages, sigs)).isFalse();
        assertThat(new Ed25519Batch(otherKey.publicKey()).verifyAll(messages, signatures(key, messages))).isFalse();
    }

    @Test
    void sAtOrAboveLFailsEvenThoughItIsTheSameScalarModL() {
        List<byte[]> messages = messages(3);
        List<byte[]> sigs = signatures(key, messages);
        byte[] sig = sigs.get(1);
        BigInteger sPlusL = Ed25519Batch.littleEndian(sig, 32, 32).add(Ed25519Batch.L);
        assertThat(sPlusL.bitLength()).isLessThanOrEqualTo(256);
        byte[] malleated = Arrays.copyOf(sig, 64);
        System.arraycopy(Ed25519Batch.scalarBytes(sPlusL), 0, malleated, 32, 32);
        sigs.set(1, malleated);

        assertThat(new Ed25519Batch(key.publicKey()).verifyAll(messages, sigs)).isFalse();
    }

    @Test
    void anRThatDoesNotDecodeFailsTheBatch() {
        List<byte[]> messages = messages(3);
        List<byte[]> sigs = signatures(key, messages);
        byte[] sig = Arrays.copyOf(sigs.get(2), 64);
        // y = 2 is not the y of any point
        System.arraycopy(HEX.parseHex("0200000000000000000000000000000000000000000000000000000000000000"), 0, sig, 0, 32);
        sigs.set(2, sig);

        assertThat(new Ed25519Batch(key.publicKey()).verifyAll(messages, sigs)).isFalse();
    }

    @Test
    void aSignatureOfTheWrongLengthFailsTheBatch() {
        List<byte[]> messages = messages(2);
        List<byte[]> sigs = signatures(key, messages);
        sigs.set(0, Arrays.copyOf(sigs.get(0), 63));

        assertThat(new Ed25519Batch(key.publicKey()).verifyAll(messages, sigs)).isFalse();
    }

    @Test
    void theIdentityOrASmallOrderPointAsRFails() {
        Ed25519Batch batch = new Ed25519Batch(key.publicKey());
        List<byte[]> messages = messages(2);
        for (byte[] r : List.of(IDENTITY, ORDER_8)) {
            for (BigInteger s : List.of(BigInteger.ZERO, BigInteger.ONE, new BigInteger(250, random))) {
                List<byte[]> sigs = signatures(key, messages);
                sigs.set(1, signature(r, s));
                assertThat(batch.verifyAll(messages, sigs)).isFalse();
            }
        }
    }

    @Test
    void aSmallOrderPublicKeyVerifiesNothing() {
        // With A of order 8, [8][h]A vanishes and R = identity, s = 0 would satisfy the equation.
        List<byte[]> messages = messages(1);
        List<byte[]> sigs = List.of(signature(IDENTITY, BigInteger.ZERO));

        assertThat(new Ed25519Batch(ORDER_8).verifyAll(messages, sigs)).isFalse();
        assertThat(new Ed25519Batch(IDENTITY).verifyAll(messages, sigs)).isFalse();
        assertThat(new Ed25519Batch(new byte[31]).verifyAll(List.of(), List.of())).isFalse();
    }

    /**
     * A signature whose R carries a small-order component (only the key holder can make one: s is
     * computed with the secret scalar) passes the cofactored equation. BouncyCastle's single check
     * accepts it as well, so a batch and the per-receipt fallback never disagree about it.
     */
    @Test
    void aSignatureWithASmallOrderPartInRIsJudgedAsBouncyCastleJudgesIt() throws Exception {
        byte[] m = "receipt".getBytes();
        byte[] h = MessageDigest.getInstance("SHA-512").digest(key.seed());
        h[0] &= (byte) 248;
        h[31] &= 127;
        h[31] |= 64;
        BigInteger a = Ed25519Batch.littleEndian(h, 0, 32);
        BigInteger r = new BigInteger(250, random);
        EdwardsPoint rPoint = PointArithmeticTest.times(EdwardsPoint.base(), r);
        PointArithmetic ops = new PointArithmetic();
        ops.add(rPoint, ops.cached(EdwardsPoint.decode(ORDER_8, 0)), false);
        byte[] rBytes = rPoint.encode();
        MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
        sha512.update(rBytes);
        sha512.update(key.publicKey());
        BigInteger k = Ed25519Batch.littleEndian(sha512.digest(m), 0, 64);
        byte[] sig = signature(rBytes, r.add(k.multiply(a)).mod(Ed25519Batch.L));

        assertThat(new Ed25519Batch(key.publicKey()).verifyAll(List.of(m), List.of(sig))).isTrue();
        assertThat(key.verifiesAlone(m, sig)).isTrue();
        assertThat(rBytes).isNotEqualTo(PointArithmeticTest.times(EdwardsPoint.base(), r).encode());
    }

    @Property(tries = 60)
    void theBatchPassesExactlyWhenEverySignaturePassesAlone(
            @ForAll @IntRange(min = 1, max = 24) int n, @ForAll @IntRange(min = 0, max = 1 << 30) int seed) {
        Random mix = new Random(seed);
        List<byte[]> messages = new ArrayList<>();
        List<byte[]> sigs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] m = bytes(mix, mix.nextInt(200));
            byte[] sig = key.sign(m);
            switch (mix.nextInt(12)) {
                case 0 -> sig = flipped(sig, mix.nextInt(512));
                case 1 -> m = m.length == 0 ? new byte[] {1} : flipped(m, mix.nextInt(m.length * 8));
                case 2 -> sig = otherKey.sign(m);
                default -> { }
            }
            messages.add(m);
            sigs.add(sig);
        }
        boolean allAlone = true;
        for (int i = 0; i < n; i++) {
            allAlone &= key.verifiesAlone(messages.get(i), sigs.get(i));
        }

        assertThat(new Ed25519Batch(key.publicKey()).verifyAll(messages, sigs)).isEqualTo(allAlone);
    }

    private List<byte[]> messages(int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(bytes(random, 1 + random.nextInt(800)));
        }
        return out;
    }

    private static List<byte[]> signatures(Key key, List<byte[]> messages) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] m : messages) {
            out.add(key.sign(m));
        }
        return out;
    }

    private static byte[] signature(byte[] r, BigInteger s) {
        byte[] sig = Arrays.copyOf(r, 64);
        System.arraycopy(Ed25519Batch.scalarBytes(s), 0, sig, 32, 32);
        return sig;
    }

    private static byte[] flipped(byte[] b, int bit) {
        byte[] out = b.clone();
        out[bit >> 3] ^= (byte) (1 << (bit & 7));
        return out;
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
