package dev.aegis.receipts;

/**
 * The width-w non-adjacent form of a scalar: digits that are 0 or odd with |digit| < 2^(w−1), at
 * least w − 1 zeros between non-zero ones, and Σ digit_i·2^i equal to the scalar.
 */
final class Wnaf {

    private Wnaf() {}

    /** @param scalar little-endian; the result has one digit more than it has bits (for the last carry) */
    static byte[] digits(byte[] scalar, int width) {
        int bits = scalar.length * 8;
        byte[] digits = new byte[bits + 1];
        int carry = 0;
        int pos = 0;
        while (pos <= bits) {
            if (bit(scalar, pos) == carry) {
                pos++; // this bit plus the carry is even: digit 0, the carry (if any) moves up
                continue;
            }
            int window = carry;
            for (int j = 0; j < width; j++) {
                window += bit(scalar, pos + j) << j;
            }
            int digit = window;
            carry = 0;
            if (window >= 1 << (width - 1)) {
                digit = window - (1 << width);
                carry = 1;
            }
            digits[pos] = (byte) digit;
            pos += width;
        }
        return digits;
    }

    private static int bit(byte[] scalar, int i) {
        return (i >> 3) < scalar.length ? (scalar[i >> 3] >> (i & 7)) & 1 : 0;
    }
}
