package dev.aegis.receipts;

import dev.aegis.home.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * The Ed25519 key pair that signs receipts: {@code receipts.key} (PKCS#8 PEM, 0600) and
 * {@code receipts.pub} (X.509 PEM) beside it, created on first use. Standard files, so OpenSSL and
 * other tools read them too. Signing and verifying use BouncyCastle's RFC 8032 code, which is an
 * order of magnitude faster than the JDK's EdDSA provider (see docs/BENCHMARKS.md).
 */
public final class ReceiptKeys {

    /** DER prefixes of an Ed25519 SubjectPublicKeyInfo and PKCS#8 PrivateKeyInfo (RFC 8410); 32 key bytes follow. */
    private static final byte[] PUBLIC_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final byte[] PRIVATE_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");

    /** A key pair: the 32-byte private seed and the 32-byte public key. */
    public record Pair(byte[] privateKey, ReceiptPublicKey publicKey) {}

    /** An Ed25519 public key. */
    public record ReceiptPublicKey(byte[] raw) {}

    private ReceiptKeys() {}

    /**
     * Loads the pair, creating it when the private key does not exist yet. The daemon calls this only
     * when there is no trail yet: a missing key beside an existing trail is a rotation
     * ({@code aegis receipts rotate}), never a silent new pair.
     */
    public static Pair loadOrCreate(Path privateKey, Path publicKey) throws IOException {
        if (!Files.exists(privateKey)) {
            Pair created = generate();
            save(created, privateKey, publicKey);
            return created;
        }
        return load(privateKey);
    }

    /** A new random pair. */
    public static Pair generate() {
        byte[] sk = new byte[Ed25519.SECRET_KEY_SIZE];
        Ed25519.generatePrivateKey(new SecureRandom(), sk);
        byte[] pk = new byte[Ed25519.PUBLIC_KEY_SIZE];
        Ed25519.generatePublicKey(sk, 0, pk, 0);
        return new Pair(sk, new ReceiptPublicKey(pk));
    }

    /** Writes the private key (0600) and its public half, each atomically. */
    public static void save(Pair keys, Path privateKey, Path publicKey) throws IOException {
        SecureFiles.writeAtomically(privateKey, pem("PRIVATE KEY", privateKeyInfo(keys)));
        SecureFiles.writeAtomically(publicKey, publicPem(keys.publicKey()));
    }

    /** Reads the private key; the public key is derived from it, never read from {@code receipts.pub}. */
    public static Pair load(Path privateKey) throws IOException {
        byte[] sk = raw(Files.readString(privateKey), PRIVATE_PREFIX, privateKey);
        byte[] pk = new byte[Ed25519.PUBLIC_KEY_SIZE];
        Ed25519.generatePublicKey(sk, 0, pk, 0);
        return new Pair(sk, new ReceiptPublicKey(pk));
    }

    /** The public key as an X.509 PEM file holds it. */
    public static byte[] publicPem(ReceiptPublicKey key) {
        return pem("PUBLIC KEY", concat(PUBLIC_PREFIX, key.raw()));
    }

    /**
     * A key's fingerprint as receipts, checkpoints and {@code --expect-key} name it:
     * {@code ed25519:} and the first 16 bytes of the SHA-256 of the raw 32-byte public key, hex.
     */
    public static String fingerprint(ReceiptPublicKey key) {
        return "ed25519:" + HexFormat.of().formatHex(Receipts.sha256().digest(key.raw()), 0, 16);
    }

    /** A raw public key from Base64, as a rotation receipt names the new key. */
    public static ReceiptPublicKey fromBase64(String base64) {
        try {
            byte[] raw = Base64.getDecoder().decode(base64);
            return raw.length == Ed25519.PUBLIC_KEY_SIZE ? new ReceiptPublicKey(raw) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public static ReceiptPublicKey readPublic(Path publicKey) throws IOException {
        return new ReceiptPublicKey(raw(Files.readString(publicKey), PUBLIC_PREFIX, publicKey));
    }

    /** The private key as a DER PKCS#8 PrivateKeyInfo (RFC 8410), as {@code receipts.key} holds it. */
    public static byte[] privateKeyInfo(Pair keys) {
        return concat(PRIVATE_PREFIX, keys.privateKey());
    }

    /**
     * Signs with the pair's private key. The public key is passed to BouncyCastle rather than
     * recomputed from the seed, which would cost a second fixed-base scalar multiplication per receipt.
     */
    public static String sign(Pair keys, byte[] data) {
        byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(keys.privateKey(), 0, keys.publicKey().raw(), 0, data, 0, data.length, sig, 0);
        return Base64.getEncoder().encodeToString(sig);
    }

    /**
     * Checks signatures by one public key. The key's curve point is decoded once, not per signature
     * (BouncyCastle's {@code PublicPoint}); thread-safe.
     */
    public static final class Verifier {
        /** null when the key is not a valid Ed25519 point: then no signature verifies. */
        private final Ed25519.PublicPoint point;

        public Verifier(ReceiptPublicKey key) {
            this.point = key.raw().length == Ed25519.PUBLIC_KEY_SIZE ? Ed25519.validatePublicKeyPartialExport(key.raw(), 0) : null;
        }

        public boolean verify(byte[] data, String signature) {
            if (point == null) {
                return false;
            }
            try {
                byte[] sig = Base64.getDecoder().decode(signature);
                return sig.length == Ed25519.SIGNATURE_SIZE && Ed25519.verify(sig, 0, point, data, 0, data.length);
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
    }

    private static byte[] raw(String pem, byte[] prefix, Path file) throws IOException {
        byte[] der;
        try {
            int begin = pem.indexOf("-----BEGIN ");
            int end = pem.indexOf("-----END ");
            if (begin < 0 || end < begin) {
                throw new IOException(file + " is not a PEM file");
            }
            String body = pem.substring(pem.indexOf('\n', begin) + 1, end);
            der = Base64.getMimeDecoder().decode(body.strip());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " is not a PEM file", e);
        }
        if (der.length != prefix.length + 32 || !Arrays.equals(der, 0, prefix.length, prefix, 0, prefix.length)) {
            throw new IOException(file + " is not an Ed25519 key in the expected format");
        }
        return Arrays.copyOfRange(der, prefix.length, der.length);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] pem(String type, byte[] der) {
        return ("-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n").getBytes(StandardCharsets.US_ASCII);
    }
}
