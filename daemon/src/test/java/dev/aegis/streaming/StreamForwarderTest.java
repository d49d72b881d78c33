package dev.aegis.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.background.AfterTheAnswer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StreamForwarderTest {

    /** A provider's stream, one event per read, noting each read in {@code log}. */
    private static InputStream provider(List<String> log, String... events) {
        return new InputStream() {
            private int next;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (next == events.length) {
                    return -1;
                }
                log.add("read " + next);
                byte[] event = events[next++].getBytes(StandardCharsets.UTF_8);
                System.arraycopy(event, 0, b, off, event.length);
                return event.length;
            }

            @Override
            public int available() {
                return 0; // each event comes apart: nothing waits behind it
            }
        };
    }

    @Test
    void workTheCallHeldStartsOnceTheFirstEventIsFlushedBeforeTheNextIsRead() {
        List<String> log = new ArrayList<>();
        Executor holding = AfterTheAnswer.holding(Runnable::run);
        ByteArrayOutputStream client = new ByteArrayOutputStream() {
            @Override
            public void flush() {
                log.add("flush");
            }
        };
        AfterTheAnswer.open();
        try {
            holding.execute(() -> log.add("refresh"));
            ForwardResult result = StreamForwarder.forward(provider(log, "data: one\n\n", "data: two\n\n"), client,
                    EventTap.FORWARD_ALL);
            assertThat(result.upstreamComplete()).isTrue();
        } finally {
            AfterTheAnswer.answered();
        }
        // The head alone goes first (the caller's, flushed while the provider is quiet); the refresh waits for the first event.
        assertThat(log).containsExactly("flush", "read 0", "flush", "refresh", "read 1", "flush");
        assertThat(client.toString(StandardCharsets.UTF_8)).isEqualTo("data: one\n\ndata: two\n\n");
    }

    /** A provider that never ends: one event per read, for ever; counts the bytes read. */
    private static final class EndlessProvider extends InputStream {
        private static final byte[] EVENT = "data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\n".getBytes(StandardCharsets.UTF_8);
        long read;

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            System.arraycopy(EVENT, 0, b, off, EVENT.length);
            read += EVENT.length;
            return EVENT.length;
        }
    }

    private static final StreamForwarder.Drain SMALL = new StreamForwarder.Drain(64 * 1024, TimeUnit.MINUTES.toNanos(10));

    @Test
    void anEndlessProviderIsReadNoFurtherThanTheDrainOnceTheClientIsGone() {
        EndlessProvider provider = new EndlessProvider();
        OutputStream gone = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("client went away");
            }
        };
        ForwardResult result = StreamForwarder.forward(provider, gone, EventTap.FORWARD_ALL, SMALL);
        assertThat(result.clientGone()).isTrue();
        assertThat(result.ending()).isEqualTo(ForwardResult.Ending.DRAIN_LIMIT);
        assertThat(result.upstreamComplete()).isFalse();
        assertThat(provider.read).isBetween(SMALL.bytes(), SMALL.bytes() + 1024);
    }

    @Test
    void anEndlessProviderIsReadNoFurtherThanTheDrainOnceTheAnswerEndedAtABudget() {
        EndlessProvider provider = new EndlessProvider();
        int[] events = {0};
        EventTap cutAfterThree = new EventTap() {
            @Override
            public byte[] relay(SseEvent event) {
                return ++events[0] <= 3 ? event.raw() : NOTHING;
            }

            @Override
            public boolean endedForClient() {
                return events[0] >= 3;
            }
        };
        ByteArrayOutputStream client = new ByteArrayOutputStream();
        ForwardResult result = StreamForwarder.forward(provider, client, cutAfterThree, SMALL);
        assertThat(result.clientGone()).isFalse();
        assertThat(result.ending()).isEqualTo(ForwardResult.Ending.DRAIN_LIMIT);
        assertThat(client.size()).isEqualTo(3 * EndlessProvider.EVENT.length);
        assertThat(provider.read).isBetween(SMALL.bytes(), SMALL.bytes() + 4 * 1024);
    }

    @Test
    void aProviderThatEndsWithinTheDrainIsReadToItsEnd() {
        List<String> log = new ArrayList<>();
        String[] events = new String[200];
        java.util.Arrays.fill(events, "data: {\"usage\":null}\n\n");
        events[199] = "data: {\"usage\":{\"total_tokens\":5}}\n\n";
        List<String> seen = new ArrayList<>();
        EventTap tapOnly = new EventTap() {
            @Override
            public byte[] relay(SseEvent event) {
                seen.add(event.data());
                return NOTHING;
            }

            @Override
            public boolean endedForClient() {
                return true;
            }
        };
        ForwardResult result = StreamForwarder.forward(provider(log, events), new ByteArrayOutputStream(), tapOnly, SMALL);
        assertThat(result.upstreamComplete()).isTrue();
        assertThat(result.ending()).isEqualTo(ForwardResult.Ending.COMPLETE);
        assertThat(seen).hasSize(200).last().asString().contains("total_tokens");
    }
}
