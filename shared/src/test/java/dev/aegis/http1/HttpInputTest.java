package dev.aegis.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpInputTest {

    /** Hands out one byte per read, as a slow network might. */
    private static InputStream trickle(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return new InputStream() {
            int i;

            @Override
            public int read() {
                return i < b.length ? b[i++] & 0xff : -1;
            }

            @Override
            public int read(byte[] out, int off, int len) {
                if (i >= b.length) {
                    return -1;
                }
                out[off] = b[i++];
                return 1;
            }
        };
    }

    @Test
    void linesEndWithCrlfOrLfEvenWhenTheyArriveByteByByte() throws IOException {
        HttpInput in = new HttpInput(trickle("HTTP/1.1 200 OK\r\nA: b\n\r\nbody"), 4, 64, "the peer");
        assertThat(in.line()).isEqualTo("HTTP/1.1 200 OK");
        assertThat(in.line()).isEqualTo("A: b");
        assertThat(in.line()).isEmpty();
        byte[] out = new byte[10];
        StringBuilder body = new StringBuilder();
        int n;
        while ((n = in.read(out, 0, out.length)) > 0) {
            body.append(new String(out, 0, n, StandardCharsets.ISO_8859_1));
        }
        assertThat(body).hasToString("body");
    }

    @Test
    void bufferedBodyBytesComeBeforeTheStreamsAndAreReported() throws IOException {
        HttpInput in = new HttpInput(new ByteArrayInputStream("L\r\n0123456789".getBytes(StandardCharsets.US_ASCII)), 64, 64, "p");
        assertThat(in.hasBuffered()).isFalse();
        assertThat(in.line()).isEqualTo("L");
        assertThat(in.hasBuffered()).isTrue();
        byte[] out = new byte[4];
        assertThat(in.read(out, 0, 4)).isEqualTo(4);
        assertThat(new String(out, StandardCharsets.US_ASCII)).isEqualTo("0123");
        assertThat(in.read(out, 0, 0)).isZero();
    }

    @Test
    void bufferedLinesAreFoundWithoutReadingOrConsuming() throws IOException {
        HttpInput in = new HttpInput(new ByteArrayInputStream("H\r\n\r\n1a\r\nxy\nrest".getBytes(StandardCharsets.US_ASCII)),
                64, 64, "p");
        assertThat(in.bufferedLineEnd(0)).as("nothing read yet").isEqualTo(-1);
        assertThat(in.line()).isEqualTo("H");
        assertThat(in.buffered()).isEqualTo(13);
        int first = in.bufferedLineEnd(0);
        assertThat(first).isEqualTo(2);
        assertThat(in.bufferedLine(0, first)).isEmpty();
        int second = in.bufferedLineEnd(first);
        assertThat(in.bufferedLine(first, second)).isEqualTo("1a");
        assertThat(in.bufferedLine(second, in.bufferedLineEnd(second))).as("a bare LF ends a line too").isEqualTo("xy");
        assertThat(in.bufferedLineEnd(in.bufferedLineEnd(second))).as("\"rest\" has no line end yet").isEqualTo(-1);
        assertThat(in.buffered()).as("nothing consumed").isEqualTo(13);
        assertThat(in.line()).isEmpty();
    }

    @Test
    void aCleanEndBetweenMessagesIsNullAnEndMidLineIsAnError() throws IOException {
        HttpInput in = new HttpInput(new ByteArrayInputStream("one\r\n".getBytes(StandardCharsets.US_ASCII)), 64, 64, "the provider");
        assertThat(in.lineOrNull()).isEqualTo("one");
        assertThat(in.lineOrNull()).isNull();
        assertThatThrownBy(in::line).isInstanceOf(EOFException.class).hasMessage("the provider closed the connection");

        HttpInput torn = new HttpInput(new ByteArrayInputStream("par".getBytes(StandardCharsets.US_ASCII)), 64, 64, "the provider");
        assertThatThrownBy(torn::lineOrNull).isInstanceOf(EOFException.class).hasMessageContaining("mid-line");
    }

    @Test
    void aLineLongerThanTheStartingBufferGrowsItUpToTheLimit() throws IOException {
        HttpInput in = new HttpInput(new ByteArrayInputStream(("y".repeat(40) + "\r\n").getBytes(StandardCharsets.US_ASCII)),
                4, 64, "p");
        assertThat(in.line()).isEqualTo("y".repeat(40));
    }

    @Test
    void aLineLongerThanTheLimitIsRefused() {
        HttpInput in = new HttpInput(new ByteArrayInputStream("x".repeat(100).getBytes(StandardCharsets.US_ASCII)), 4, 16, "p");
        assertThatThrownBy(in::line).isInstanceOf(IOException.class).hasMessageContaining("longer than 16 bytes");
    }
}
