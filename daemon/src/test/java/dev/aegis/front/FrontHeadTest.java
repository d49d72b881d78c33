package dev.aegis.front;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the front takes, what it leaves to Jetty, and when it knows. */
class FrontHeadTest {

    private static FrontHead.Parsed parse(String head) {
        byte[] bytes = head.getBytes(StandardCharsets.ISO_8859_1);
        return FrontHead.parse(bytes, 0, bytes.length, (m, p) -> m.equals("POST") && p.startsWith("/v1/"),
                h -> h.startsWith("127.0.0.1") || h.startsWith("localhost"));
    }

    private static String post(String headers) {
        return "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:8787\r\n" + headers + "\r\n";
    }

    @Test
    void theHeadsOfTheOfficialClientsAreTaken() {
        String openAiJava = post("Content-Length: 57\r\nAuthorization: Bearer aegis_x\r\nX-Stainless-Lang: java\r\n"
                + "Content-Type: application/json; charset=utf-8\r\nAccept-Encoding: gzip\r\nConnection: Keep-Alive\r\n"
                + "User-Agent: OpenAI/Java 4.0.0\r\n");
        String undici = post("connection: keep-alive\r\ncontent-type: application/json\r\nx-api-key: aegis_x\r\n"
                + "anthropic-version: 2023-06-01\r\naccept: application/json\r\naccept-language: *\r\n"
                + "sec-fetch-mode: cors\r\nuser-agent: claude-cli/2.0.0\r\naccept-encoding: gzip, deflate\r\ncontent-length: 1234\r\n");
        String curl = post("User-Agent: curl/7.88.1\r\nAccept: */*\r\nContent-Type:application/json\r\nContent-Length: 0\r\n");

        for (String head : new String[] {openAiJava, undici, curl}) {
            assertThat(parse(head)).as(head).isInstanceOf(RequestHead.class);
        }
        RequestHead h = (RequestHead) parse(undici);
        assertThat(h.method()).isEqualTo("POST");
        assertThat(h.path()).isEqualTo("/v1/chat/completions");
        assertThat(h.contentLength()).isEqualTo(1234);
        assertThat(h.header("X-API-KEY")).isEqualTo("aegis_x");
        assertThat(h.header("accept-encoding")).isEqualTo("gzip, deflate");
        assertThat(h.length()).isEqualTo(undici.length());
        assertThat(h.close()).isFalse();
        assertThat(((RequestHead) parse(curl)).header("content-type")).isEqualTo("application/json");
    }

    @Test
    void valuesAreTrimmedAndRepeatedLinesKeptInOrder() {
        RequestHead h = (RequestHead) parse(post("Content-Length: 2\r\nX-A:  one \t\r\nx-a: two\r\nConnection: close\r\n"));

        assertThat(h.header("x-a")).isEqualTo("one");
        assertThat(h.headers("X-A")).containsExactly("one", "two");
        assertThat(h.headerNames()).containsExactly("Host", "Content-Length", "X-A", "Connection");
        assertThat(h.close()).isTrue();
    }

    @Test
    void aHeadIsIncompleteUntilItsBlankLine() {
        String whole = post("Content-Length: 2\r\n");
        for (int cut = 1; cut < whole.length(); cut++) {
            assertThat(parse(whole.substring(0, cut))).as("first %d bytes", cut).isInstanceOf(FrontHead.Incomplete.class);
        }
        assertThat(parse(whole)).isInstanceOf(RequestHead.class);
    }

    @Test
    void anotherRouteIsLeftToJettyFromItsRequestLineOn() {
        assertThat(parse("GET /healthz HTTP/1.1\r\n")).isInstanceOf(FrontHead.Defer.class);
        assertThat(parse("GET")).isInstanceOf(FrontHead.Incomplete.class);
        assertThat(parse("get ")).isInstanceOf(FrontHead.Defer.class);
        assertThat(parse("POST /v1/chat/%63ompletions")).isInstanceOf(FrontHead.Defer.class);
        assertThat(parse("\u0016\u0003\u0001")).as("a TLS hello").isInstanceOf(FrontHead.Defer.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "POST /v1/chat/completions?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n",
        "POST /v1//chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n",
        "POST /v1/chat/../completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n",
        "POST /v1/chat/completions HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n",
        "POST  /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n",
        "POST http://127.0.0.1/v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n",
        "POST /v1/chat/completions HTTP/1.1\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n",
    })
    void requestLinesOutOfTheOrdinaryAreJettys(String head) {
        assertThat(parse(head)).isInstanceOf(FrontHead.Defer.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Transfer-Encoding: chunked\r\n",
        "Content-Length: 2\r\nContent-Length: 2\r\n",
        "Content-Length: +2\r\n",
        "Content-Length: 2, 2\r\n",
        "Content-Length: 9999999999999999\r\n",
        "Content-Length: 2\r\nExpect: 100-continue\r\n",
        "Content-Length: 2\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n",
        "Content-Length: 2\r\nOrigin: http://evil.example\r\n",
        "Content-Length: 2\r\nConnection: close, TE\r\n",
        "Content-Length: 2\r\nHost: 127.0.0.1\r\n",
        "Content-Length: 2\r\nX-A: one\r\n two\r\n",
        "Content-Length: 2\r\nX-A : one\r\n",
        "Content-Length: 2\r\n: one\r\n",
        "Content-Length: 2\r\nX-A: o\u0000ne\r\n",
        "Content-Length: 2\r\nX-A: o\rne\r\n",
        "Content-Length: 2\r\nX-A: o\u007fne\r\n",
        "Content-Length: 2\r\nX-A: caf\u00e9\r\n",
        "Content-Length: 2\r\nX\u00e9: one\r\n",
        "",
    })
    void headersOutOfTheOrdinaryAreJettys(String headers) {
        assertThat(parse(post(headers))).isInstanceOf(FrontHead.Defer.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"?localhost", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:x", "[A:1]", "[::2]:80",
        "local host", "127.0.0.1:80:80"})
    void aHostJettyWouldRefuseIsJettys(String host) {
        assertThat(FrontHead.hostPort(host)).as(host).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.0.1:8787", "localhost:1", "[::1]", "[::1]:8787", "aegis.internal:65535", "my-box"})
    void aHostJettyReadsIsTheFronts(String host) {
        assertThat(FrontHead.hostPort(host)).as(host).isTrue();
    }

    @Test
    void aHostThatIsNotThisDaemonIsJettysToRefuse() {
        assertThat(parse("POST /v1/messages HTTP/1.1\r\nHost: evil.example\r\nContent-Length: 0\r\n\r\n"))
                .isInstanceOf(FrontHead.Defer.class);
        assertThat(parse("POST /v1/messages HTTP/1.1\r\nContent-Length: 0\r\n\r\n")).isInstanceOf(FrontHead.Defer.class);
    }
}
