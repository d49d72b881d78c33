package dev.aegis.receipts;

/** A public key a trail may be signed with, ready to check signatures one by one or in batches. */
record TrailKey(String fingerprint, ReceiptKeys.ReceiptPublicKey key, ReceiptKeys.Verifier verifier, Ed25519Batch batch) {

    static TrailKey of(ReceiptKeys.ReceiptPublicKey key) {
        return new TrailKey(ReceiptKeys.fingerprint(key), key, new ReceiptKeys.Verifier(key), new Ed25519Batch(key.raw()));
    }
}
