package dev.aegis.streaming;

import dev.aegis.background.AfterTheAnswer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Relays a provider's server-sent events to the client as they arrive: each read is split into
 * whole events, and what the tap returns for each (normally its exact bytes) is written. When the
 * client goes away, or its answer has ended at a budget ({@link EventTap#endedForClient}), it keeps
 * reading the provider's stream to its end, so the final usage event is still seen and billed; but
 * no further than {@link Drain} allows, so a provider that never ends does not hold the call for ever.
 *
 * <p>The client's bytes are flushed whenever the next read would wait for the provider (and at the
 * end), not after every read: what arrived together leaves together, as nginx does. The caller's
 * response head goes out with the first events when they came with it (OpenAI's servers and most
 * others send both in one packet), instead of a head on its own that costs the client a second
 * wake-up before its first event; events that came in one packet as several chunks (a last event,
 * the usage event and {@code [DONE]}) go out in one write instead of one each. Nothing already here
 * is held back for bytes still to come: a head whose first event has not arrived (or not whole) goes
 * out before the wait.
 */
public final class StreamForwarder {

    /**
     * An SSE event is a few hundred bytes; each open stream holds one of these (2 KB: 4 MB for
     * 2,000 streams, against 16 MB at 8 KB). A larger chunk from the provider takes more reads.
     */
    private static final int BUFFER = 2 * 1024;
    private static final byte[] END_OF_EVENT = {'\n', '\n'};

    /**
     * How much of a provider's stream is read once nothing more goes to the client: enough for the
     * longest answers a provider streams after a client left (128k tokens of Responses events are
     * about 50 MB, and ten minutes at 200 tokens a second), not an endless one.
     *
     * @param bytes the most read after the client's answer ended
     * @param nanos the longest time spent reading after it (checked after each read; a silent
     *     provider is ended by {@code timeouts.idle} first)
     */
    public record Drain(long bytes, long nanos) {
        public static final Drain DEFAULT = new Drain(64L * 1024 * 1024, TimeUnit.MINUTES.toNanos(10));
    }

    private StreamForwarder() {}

    public static ForwardResult forward(InputStream upstream, OutputStream client, EventTap tap) {
        return forward(upstream, client, tap, Drain.DEFAULT, () -> false);
    }

    /**
     * @param stopping true once the daemon stops and the calls in flight are out of time: reading ends
     *     after the read under way
     */
    public static ForwardResult forward(InputStream upstream, OutputStream client, EventTap tap, BooleanSupplier stopping) {
        return forward(upstream, client, tap, Drain.DEFAULT, stopping);
    }

    static ForwardResult forward(InputStream upstream, OutputStream client, EventTap tap, Drain drain) {
        return forward(upstream, client, tap, drain, () -> false);
    }

    private static ForwardResult forward(InputStream upstream, OutputStream client, EventTap tap, Drain drain,
            BooleanSupplier stopping) {
        SseEventSplitter splitter = new SseEventSplitter();
        Relay relay = new Relay(client, tap);
        byte[] buf = new byte[BUFFER];
        ForwardResult.Ending ending = ForwardResult.Ending.COMPLETE;
        long drainStart = 0;
        long drained = 0;
        try {
            while (true) {
                if (relay.unflushed && nothingWaiting(upstream)) {
                    relay.flush();
                }
                int n = upstream.read(buf);
                if (n < 0) {
                    break;
                }
                relay.write(splitter.feed(buf, 0, n));
                if (stopping.getAsBoolean()) {
                    ending = ForwardResult.Ending.STOPPING;
                    break;
                }
                if (relay.clientGone || tap.endedForClient()) {
                    if (drained == 0) {
                        drainStart = System.nanoTime();
                    }
                    drained += n;
                    if (drained > drain.bytes() || System.nanoTime() - drainStart > drain.nanos()) {
                        ending = ForwardResult.Ending.DRAIN_LIMIT;
                        break;
                    }
                }
            }
        } catch (IOException e) {
            ending = ForwardResult.Ending.BROKEN;
        }
        boolean complete = ending == ForwardResult.Ending.COMPLETE;
        if (complete && splitter.midEvent()) {
            // The provider ended without the blank line after its last event: that event is still whole.
            relay.write(splitter.feed(END_OF_EVENT, 0, END_OF_EVENT.length));
        }
        if (relay.unflushed) {
            relay.flush();
        }
        // After a cut, what is left is part of an event: the client never sees half an event.
        return new ForwardResult(relay.sent, ending, relay.clientGone);
    }

    /** True when a read would wait for the provider: none of its bytes are already here. */
    private static boolean nothingWaiting(InputStream upstream) {
        try {
            return upstream.available() <= 0;
        } catch (IOException e) {
            return true;
        }
    }

    /** Writes what the tap gives for each event and flushes when told; notices a client that went away. */
    private static final class Relay {
        private final OutputStream client;
        private final EventTap tap;
        private long sent;
        /** Bytes of events written to the client and not flushed yet. */
        private long pending;
        private boolean clientGone;
        /** Bytes written to the client and not flushed yet: at first, the caller's (the response head). */
        private boolean unflushed = true;

        Relay(OutputStream client, EventTap tap) {
            this.client = client;
            this.tap = tap;
        }

        void write(List<SseEvent> events) {
            for (SseEvent e : events) {
                byte[] out = tap.relay(e);
                if (out.length > 0 && !clientGone) {
                    try {
                        client.write(out);
                        pending += out.length;
                        unflushed = true;
                    } catch (IOException ex) {
                        clientGone = true;
                    }
                }
            }
        }

        void flush() {
            unflushed = false;
            if (clientGone) {
                return;
            }
            boolean events = pending > 0;
            try {
                client.flush();
                sent += pending;
                pending = 0;
            } catch (IOException ex) {
                clientGone = true;
                return;
            }
            if (events) {
                AfterTheAnswer.answered(); // the first event is out (a no-op after the first time)
            }
        }
    }
}
