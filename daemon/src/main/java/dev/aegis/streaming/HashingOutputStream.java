package dev.aegis.streaming;

import dev.aegis.receipts.Receipts;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/** Passes bytes to the client and hashes those it accepted, for the receipt of a streamed answer. */
public final class HashingOutputStream extends FilterOutputStream {

    private final MessageDigest digest = Receipts.sha256();

    public HashingOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        digest.update(b, off, len);
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        digest.update((byte) b);
    }

    public String sha256Hex() {
        return HexFormat.of().formatHex(digest.digest());
    }
}
