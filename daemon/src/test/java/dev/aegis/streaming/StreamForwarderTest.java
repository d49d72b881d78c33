package dev.aegis.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.background.AfterTheAnswer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
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
}
