package dev.aegis.streaming;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * Relays a provider's server-sent events to the client as they arrive: each read is split into
 * whole events, and what the tap returns for each (normally its exact bytes) is written and flushed. When
 * the client goes away it keeps reading the provider's stream to its end, so the final usage event
 * is still seen and billed.
 */
public final class StreamForwarder {

    private static final int BUFFER = 16 * 1024;

    private StreamForwarder() {}

    public static ForwardResult forward(InputStream upstream, OutputStream client, EventTap tap) {
        return forward(upstream, client, tap, null);
    }

    /** @param watchdog told of every read, so a silent provider is cut after {@code timeouts.idle}; may be null */
    public static ForwardResult forward(InputStream upstream, OutputStream client, EventTap tap, IdleWatchdog watchdog) {
        SseEventSplitter splitter = new SseEventSplitter();
        byte[] buf = new byte[BUFFER];
        long sent = 0;
        boolean clientGone = false;
        boolean complete;
        try {
            int n;
            while ((n = upstream.read(buf)) >= 0) {
                if (watchdog != null) {
                    watchdog.activity();
                }
                List<SseEvent> events = splitter.feed(buf, 0, n);
                long written = 0;
                for (SseEvent e : events) {
                    byte[] out = tap.relay(e);
                    if (out.length > 0 && !clientGone) {
                        try {
                            client.write(out);
                            written += out.length;
                        } catch (IOException ex) {
                            clientGone = true;
                        }
                    }
                }
                if (written > 0 && !clientGone) {
                    try {
                        client.flush();
                        sent += written;
                    } catch (IOException ex) {
                        clientGone = true;
                    }
                }
            }
            complete = true;
        } catch (IOException e) {
            complete = false;
        }
        byte[] rest = splitter.remainder();
        if (rest.length > 0 && !clientGone) {
            try {
                client.write(rest);
                client.flush();
                sent += rest.length;
            } catch (IOException e) {
                clientGone = true;
            }
        }
        return new ForwardResult(sent, complete, clientGone);
    }
}
