package dev.aegis.receipts;

import dev.aegis.home.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * The Ed25519 key pair that signs receipts: {@code receipts.key} (PKCS#8, PEM, 0600) and
 * {@code receipts.pub} (X.509, PEM) beside it, created on first use.
 */
public final class ReceiptKeys {

    private ReceiptKeys() {}

    /** Loads the pair, creating it when the private key does not exist yet. */
    public static KeyPair loadOrCreate(Path privateKey, Path publicKey) throws IOException {
        try {
            if (!Files.exists(privateKey)) {
                KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                SecureFiles.writeAtomically(privateKey, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
                SecureFiles.writeAtomically(publicKey, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
                return pair;
            }
            KeyFactory kf = KeyFactory.getInstance("Ed25519");
            PrivateKey priv = kf.generatePrivate(new PKCS8EncodedKeySpec(der(Files.readString(privateKey))));
            PublicKey pub = readPublic(publicKey);
            return new KeyPair(pub, priv);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("the receipt signing key " + privateKey + " is not a valid Ed25519 key: " + e.getMessage(), e);
        }
    }

    public static PublicKey readPublic(Path publicKey) throws IOException {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der(Files.readString(publicKey))));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(publicKey + " is not an Ed25519 public key: " + e.getMessage(), e);
        }
    }

    public static String sign(PrivateKey key, byte[] data) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(data);
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is part of every Java runtime since 15", e);
        }
    }

    public static boolean verify(PublicKey key, byte[] data, String signature) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(data);
            return s.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] pem(String type, byte[] der) {
        return ("-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] der(String pem) {
        return Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").strip());
    }
}
