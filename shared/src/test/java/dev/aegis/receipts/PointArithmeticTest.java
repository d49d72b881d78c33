package dev.aegis.receipts;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.Test;

class PointArithmeticTest {

    private static final HexFormat HEX = HexFormat.of();

    /** [k]P through the same machinery the batch uses (one-term multi-scalar sum). */
    static EdwardsPoint times(EdwardsPoint p, BigInteger k) {
        PointArithmetic ops = new PointArithmetic();
        MultiScalarSum sum = new MultiScalarSum();
        sum.add(ops.oddMultiples(p, 8), Wnaf.digits(Ed25519Batch.scalarBytes(k), 5));
        return sum.sum(ops);
    }

    @Test
    void theBasePointHasOrderL() {
        EdwardsPoint b = EdwardsPoint.base();
        assertThat(b).isNotNull();
        assertThat(b.isIdentity()).isFalse();
        assertThat(times(b, Ed25519Batch.L).isIdentity()).isTrue();
        assertThat(times(b, Ed25519Batch.L.subtract(BigInteger.ONE)).encode()).isEqualTo(b.negated().encode());
    }

    @Test
    void theSecretScalarTimesTheBasePointIsBouncyCastlesPublicKey() throws Exception {
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 20; i++) {
            byte[] seed = new byte[32];
            random.nextBytes(seed);
            byte[] pk = new byte[32];
            Ed25519.generatePublicKey(seed, 0, pk, 0);

            byte[] h = MessageDigest.getInstance("SHA-512").digest(seed);
            h[0] &= (byte) 248;
            h[31] &= 127;
            h[31] |= 64;
            BigInteger a = Ed25519Batch.littleEndian(h, 0, 32);

            assertThat(times(EdwardsPoint.base(), a).encode()).isEqualTo(pk);
        }
    }

    @Property(tries = 50)
    void decodingAnEncodedPointGivesItBack(@ForAll @IntRange(min = 0, max = 1 << 30) int seed) {
        BigInteger k = new BigInteger(256, new Random(seed));
        EdwardsPoint p = times(EdwardsPoint.base(), k);
        byte[] encoded = p.encode();

        EdwardsPoint back = EdwardsPoint.decode(encoded, 0);

        assertThat(back).isNotNull();
        assertThat(back.encode()).isEqualTo(encoded);
        assertThat(sum(back, p.negated()).isIdentity()).isTrue();
    }

    @Property(tries = 50)
    void additionAgreesWithScalarArithmetic(@ForAll @IntRange(min = 0, max = 1 << 30) int seed) {
        Random random = new Random(seed);
        BigInteger j = new BigInteger(253, random);
        BigInteger k = new BigInteger(253, random);
        EdwardsPoint b = EdwardsPoint.base();

        assertThat(sum(times(b, j), times(b, k)).encode()).isEqualTo(times(b, j.add(k).mod(Ed25519Batch.L)).encode());
        EdwardsPoint doubled = times(b, j);
        new PointArithmetic().twice(doubled);
        assertThat(doubled.encode()).isEqualTo(times(b, j.shiftLeft(1).mod(Ed25519Batch.L)).encode());
    }

    @Test
    void decodingRejectsWhatRfc8032Rejects() {
        // y = p (non-canonical encoding of y = 0), and y = p + 1 (of y = 1, the identity)
        assertThat(EdwardsPoint.decode(HEX.parseHex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"), 0)).isNull();
        assertThat(EdwardsPoint.decode(HEX.parseHex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"), 0)).isNull();
        // the identity (x = 0) with the sign bit set
        assertThat(EdwardsPoint.decode(HEX.parseHex("0100000000000000000000000000000000000000000000000000000000000080"), 0)).isNull();
        // y = 2: (y² − 1) / (d·y² + 1) has no square root
        assertThat(EdwardsPoint.decode(HEX.parseHex("0200000000000000000000000000000000000000000000000000000000000000"), 0)).isNull();
        // the identity itself and a point of order 2 decode
        assertThat(EdwardsPoint.decode(HEX.parseHex("0100000000000000000000000000000000000000000000000000000000000000"), 0).isIdentity()).isTrue();
        EdwardsPoint order2 = EdwardsPoint.decode(HEX.parseHex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"), 0);
        assertThat(order2.isIdentity()).isFalse();
        new PointArithmetic().twice(order2);
        assertThat(order2.isIdentity()).isTrue();
    }

    @Property(tries = 200)
    void wnafDigitsAddUpToTheScalar(@ForAll @IntRange(min = 0, max = 1 << 30) int seed, @ForAll @IntRange(min = 2, max = 8) int width) {
        Random random = new Random(seed);
        byte[] scalar = new byte[random.nextBoolean() ? 16 : 32];
        random.nextBytes(scalar);

        byte[] digits = Wnaf.digits(scalar, width);

        BigInteger total = BigInteger.ZERO;
        int lastNonZero = -width;
        for (int i = 0; i < digits.length; i++) {
            if (digits[i] != 0) {
                assertThat(digits[i] % 2).isNotZero();
                assertThat(Math.abs(digits[i])).isLessThan(1 << (width - 1));
                assertThat(i - lastNonZero).isGreaterThanOrEqualTo(width);
                lastNonZero = i;
            }
            total = total.add(BigInteger.valueOf(digits[i]).shiftLeft(i));
        }
        assertThat(total).isEqualTo(Ed25519Batch.littleEndian(scalar, 0, scalar.length));
    }

    private static EdwardsPoint sum(EdwardsPoint p, EdwardsPoint q) {
        PointArithmetic ops = new PointArithmetic();
        EdwardsPoint out = p.copy();
        ops.add(out, ops.cached(q), false);
        return out;
    }
}
