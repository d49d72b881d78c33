package dev.aegis.proxy.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A provider request refuses exactly the headers and methods {@code java.net.http.HttpRequest.Builder}
 * refuses (the JDK's builder is the definition): no value can end the head early or add a header.
 */
class OutgoingRequestTest {

    private static final URI URL = URI.create("http://127.0.0.1:9/v1/chat/completions");

    private static boolean jdkTakes(String name, String value) {
        try {
            HttpRequest.newBuilder(URL).header(name, value);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean takes(String name, String value) {
        try {
            OutgoingRequest.newBuilder(URL).header(name, value);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Property(tries = 3000)
    void aHeaderIsTakenExactlyWhenTheJdksBuilderTakesIt(@ForAll("names") String name, @ForAll("values") String value) {
        assertThat(takes(name, value)).as("%s: %s", name, value).isEqualTo(jdkTakes(name, value));
    }

    @Property(tries = 1000)
    void aMethodIsTakenExactlyWhenTheJdksBuilderTakesIt(@ForAll("names") String method) {
        boolean jdk;
        try {
            HttpRequest.newBuilder(URL).method(method, HttpRequest.BodyPublishers.noBody());
            jdk = true;
        } catch (IllegalArgumentException e) {
            jdk = false;
        }
        boolean ours;
        try {
            OutgoingRequest.newBuilder(URL).method(method, new byte[0]);
            ours = true;
        } catch (IllegalArgumentException e) {
            ours = false;
        }
        assertThat(ours).as(method).isEqualTo(jdk);
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("aZ09-_.!~:; \t\r\n()\u00e9\u0100\u007f\u0000").ofMaxLength(6),
                Arbitraries.of("Host", "host", "Content-Length", "CONNECTION", "Expect", "upgrade", "Upgrade-Insecure",
                        "X-Request-Id", "anthropic-version", "CONNECT", "POST", "GET", "Authorization", ""),
                Arbitraries.strings().all().ofMaxLength(4));
    }

    @Provide
    Arbitrary<String> values() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("ab \t\r\n\u0000\u001f\u007f\u0080\u00ff\u0100\u2028:,;\"").ofMaxLength(8),
                Arbitraries.of("", " ", "Bearer sk-x", "a\r\nX-Injected: 1", "\u00e9t\u00e9", "\ud83d\ude00"),
                Arbitraries.strings().all().ofMaxLength(4));
    }

    @Example
    void urlsTheJdkRefusesAreRefused() {
        for (String url : List.of("ftp://example.com/x", "mailto:a@b.c", "http:///nohost", "/relative")) {
            URI uri = URI.create(url);
            assertThatThrownBy(() -> HttpRequest.newBuilder(uri)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> OutgoingRequest.newBuilder(uri)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(OutgoingRequest.newBuilder(URI.create("HTTPS://api.example.com/v1")).build().uri().getHost())
                .isEqualTo("api.example.com");
    }

    @Example
    void headersKeepTheirOrderAndTheRequestIsTheSameForTheJdksClient() {
        byte[] body = "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8);
        OutgoingRequest r = OutgoingRequest.newBuilder(URL).timeout(Duration.ofSeconds(7)).method("POST", body)
                .header("X-B", "2").header("x-a", "1").header("X-B", "3").build();
        assertThat(r.headerCount()).isEqualTo(3);
        assertThat(List.of(r.headerName(0), r.headerName(1), r.headerName(2))).containsExactly("X-B", "x-a", "X-B");
        assertThat(r.headerValue(0)).isEqualTo("2");
        assertThat(r.body()).isSameAs(body);

        HttpRequest jdk = r.toHttpRequest();
        assertThat(jdk.method()).isEqualTo("POST");
        assertThat(jdk.uri()).isEqualTo(URL);
        assertThat(jdk.timeout()).contains(Duration.ofSeconds(7));
        assertThat(jdk.headers().map()).isEqualTo(Map.of("X-B", List.of("2", "3"), "x-a", List.of("1")));
        assertThat(jdk.bodyPublisher().orElseThrow().contentLength()).isEqualTo(body.length);
    }

    @Example
    void aRequestFromTheJdksBuilderKeepsItsBodyHeadersAndTimeout() throws Exception {
        HttpRequest jdk = HttpRequest.newBuilder(URL).timeout(Duration.ofSeconds(3)).header("A", "1").header("a", "2")
                .POST(HttpRequest.BodyPublishers.ofString("hello")).build();
        OutgoingRequest r = OutgoingRequest.of(jdk);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(r.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(r.headerCount()).isEqualTo(2);
        assertThat(List.of(r.headerName(0), r.headerValue(0))).containsExactly("A", "1");
        assertThat(r.method()).isEqualTo("POST");
        assertThat(OutgoingRequest.of(HttpRequest.newBuilder(URL).GET().build()).body()).isEmpty();
    }
}
