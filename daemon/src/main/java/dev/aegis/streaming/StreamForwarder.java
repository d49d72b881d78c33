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
 *
 * <p>What the caller wrote before (the response head) is flushed with the first events when they came
 * with it, else before the first wait for the provider: a provider that sends its head and first
 * event in one packet (OpenAI's servers and most others do) gets them to the client in one write, as
 * nginx does, instead of a head on its own that costs the client a second wake-up before its first
 * event; a head whose first event has not arrived (or not whole) still goes out at once.
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
            while (true) {
                if (relay.unflushed && nothingWaiting(upstream)) {
                    relay.flush();
                }
                int n = upstream.read(buf);
                if (n < 0) {
                    break;
                }
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

    /** True when a read would wait for the provider: none of its bytes are already here. */
    private static boolean nothingWaiting(InputStream upstream) {
        try {
            return upstream.available() <= 0;
        } catch (IOException e) {
            return true;
        }
    }

    /** Writes what the tap gives for each event and flushes once per read; notices a client that went away. */
    private static final class Relay {
        private final OutputStream client;
        private final EventTap tap;
        private long sent;
        private boolean clientGone;
        /** Bytes written to the client and not flushed yet: at first, the caller's (the response head). */
        private boolean unflushed = true;

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
                flush();
                if (!clientGone) {
                    sent += written;
                }
            }
        }

        void flush() {
            unflushed = false;
            if (clientGone) {
                return;
            }
            try {
                client.flush();
            } catch (IOException ex) {
                clientGone = true;
            }
        }
    }
}
