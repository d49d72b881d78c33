package dev.aegis.proxy.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** An upstream URL is parsed once and answers as {@link URI#create} does, a bad one included. */
class UpstreamUrisTest {

    @Test
    void aUrlIsParsedOnceAndABadOneIsRefusedEveryTime() {
        String url = "http://127.0.0.1:8080/v1/chat/completions?x=" + System.nanoTime();
        URI first = UpstreamUris.of(url);
        assertThat(first).isEqualTo(URI.create(url));
        assertThat(UpstreamUris.of(url)).isSameAs(first);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> UpstreamUris.of("http://127.0.0.1/v1/a b")).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
