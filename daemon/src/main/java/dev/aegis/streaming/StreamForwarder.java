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

    /**
     * An SSE event is a few hundred bytes; each open stream holds one of these (2 KB: 4 MB for
     * 2,000 streams, against 16 MB at 8 KB). A larger chunk from the provider takes more reads.
     */
    private static final int BUFFER = 2 * 1024;
    private static final byte[] END_OF_EVENT = {'\n', '\n'};

    private StreamForwarder() {}

    public static ForwardResult forward(InputStream upstream, OutputStream client, EventTap tap) {
        SseEventSplitter splitter = new SseEventSplitter();
        Relay relay = new Relay(client, tap);
        byte[] buf = new byte[BUFFER];
        boolean complete;
        try {
            int n;
            while ((n = upstream.read(buf)) >= 0) {
                relay.send(splitter.feed(buf, 0, n));
            }
            complete = true;
        } catch (IOException e) {
            complete = false;
        }
        if (complete && splitter.midEvent()) {
            // The provider ended without the blank line after its last event: that event is still whole.
            relay.send(splitter.feed(END_OF_EVENT, 0, END_OF_EVENT.length));
        }
        // After a cut, what is left is part of an event: the client never sees half an event.
        return new ForwardResult(relay.sent, complete, relay.clientGone);
    }

    /** Writes what the tap gives for each event and flushes once per read; notices a client that went away. */
    private static final class Relay {
        private final OutputStream client;
        private final EventTap tap;
        private long sent;
        private boolean clientGone;

        Relay(OutputStream client, EventTap tap) {
            this.client = client;
            this.tap = tap;
        }

        void send(List<SseEvent> events) {
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
    }
}
