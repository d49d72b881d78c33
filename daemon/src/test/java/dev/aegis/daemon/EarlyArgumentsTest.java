package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EarlyArgumentsTest {

    private static String[] read(String text) throws IOException {
        return EarlyArguments.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void argumentsAreTheLinesUpToTheEmptyOne() throws IOException {
        assertThat(read("--home\n/tmp/a b\n--port\n0\n\nignored\n")).containsExactly("--home", "/tmp/a b", "--port", "0");
    }

    @Test
    void nothingWrittenMeansNotNeeded() throws IOException {
        assertThat(read("")).isEmpty();
        assertThat(read("\n")).isEmpty();
    }

    @Test
    void anUnfinishedListIsNotStartedOn() throws IOException {
        // The CLI died half-way through writing: starting on part of its arguments would be a guess.
        assertThat(read("--home\n/tmp/a\n--port")).isEmpty();
    }
}
