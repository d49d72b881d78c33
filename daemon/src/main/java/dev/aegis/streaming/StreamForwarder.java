package dev.aegis.streaming;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Copies a provider's streamed answer to the client chunk by chunk as it arrives, flushing each one,
 * and shows every byte to a tap. When the client goes away it keeps reading the provider's stream
 * (so the final usage event is still seen) until the end.
 */
public final class StreamForwarder {

    private static final int BUFFER = 16 * 1024;

    private StreamForwarder() {}

    public static ForwardResult forward(InputStream upstream, OutputStream client, StreamTap tap) {
        byte[] buf = new byte[BUFFER];
        long sent = 0;
        boolean clientGone = false;
        try {
            int n;
            while ((n = upstream.read(buf)) >= 0) {
                if (n == 0) {
                    continue;
                }
                tap.onBytes(buf, 0, n);
                if (!clientGone) {
                    try {
                        client.write(buf, 0, n);
                        client.flush();
                        sent += n;
                    } catch (IOException e) {
                        clientGone = true;
                    }
                }
            }
            return new ForwardResult(sent, true, clientGone);
        } catch (IOException e) {
            return new ForwardResult(sent, false, clientGone);
        }
    }
}
