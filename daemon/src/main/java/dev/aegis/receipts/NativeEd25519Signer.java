package dev.aegis.receipts;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** AWS-LC's Ed25519 through the JCA; absent when the provider is missing or its native library does not load. */
final class NativeEd25519Signer implements ReceiptSigner {

    private static final Logger LOG = LoggerFactory.getLogger(ReceiptSigner.class);
    private static final String PROVIDER = "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";

    private final Signature signature;

    private NativeEd25519Signer(Signature signature) {
        this.signature = signature;
    }

    static Optional<NativeEd25519Signer> create(ReceiptKeys.Pair keys) {
        Optional<Provider> provider = provider();
        if (provider.isEmpty()) {
            return Optional.empty();
        }
        try {
            PrivateKey key = KeyFactory.getInstance("Ed25519")
                    .generatePrivate(new PKCS8EncodedKeySpec(ReceiptKeys.privateKeyInfo(keys)));
            Signature signature = Signature.getInstance("Ed25519", provider.get());
            signature.initSign(key);
            NativeEd25519Signer signer = new NativeEd25519Signer(signature);
            byte[] probe = "aegis receipt signer self-check".getBytes(StandardCharsets.US_ASCII);
            if (!signer.sign(probe).equals(ReceiptKeys.sign(keys, probe))) {
                LOG.warn("the native Ed25519 signer disagrees with BouncyCastle's; receipts are signed with BouncyCastle");
                return Optional.empty();
            }
            return Optional.of(signer);
        } catch (GeneralSecurityException | RuntimeException e) {
            LOG.info("receipts are signed with BouncyCastle: the native Ed25519 signer is not usable ({})", e.toString());
            return Optional.empty();
        }
    }

    /** The provider's singleton when its class is present and its native library loaded. */
    private static Optional<Provider> provider() {
        try {
            Class<?> type = Class.forName(PROVIDER);
            Provider provider = (Provider) type.getField("INSTANCE").get(null);
            Object loadingError = type.getMethod("getLoadingError").invoke(provider);
            if (loadingError != null) {
                LOG.info("receipts are signed with BouncyCastle: the native library did not load ({})", loadingError);
                return Optional.empty();
            }
            return Optional.of(provider);
        } catch (ClassNotFoundException e) {
            return Optional.empty();
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            LOG.info("receipts are signed with BouncyCastle: the native provider failed to load ({})", e.toString());
            return Optional.empty();
        }
    }

    @Override
    public String sign(byte[] data) {
        try {
            signature.update(data);
            return Base64.getEncoder().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a receipt: " + e.getMessage(), e);
        }
    }

    @Override
    public String implementation() {
        return "aws-lc";
    }
}
