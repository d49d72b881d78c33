package dev.aegis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.aegis.http.ApiException;

/**
 * What a client sends first meets these parsers: each either reads the input or refuses it with an
 * {@link ApiException} (a 4xx with the SPEC's body), never another exception, and what it returns
 * holds its promises. Run as regression tests with the build (the inputs under
 * {@code src/test/resources/dev/aegis/proxy/RequestParsersFuzzTestInputs}); {@code JAZZER_FUZZ=1}
 * fuzzes them (docs/SECURITY.md, "Fuzzing").
 */
class RequestParsersFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void aBodyIsReadOrRefusedWithAnApiError(byte[] body) {
        if (body == null) {
            return; // the server always hands over a body, empty at least
        }
        RequestBody read;
        try {
            read = BodyInspector.inspect(body);
        } catch (ApiException refused) {
            assertThat(refused.status()).isEqualTo(400);
            return;
        }
        assertThat(read.choices()).isPositive();
        assertThat(read.bytes()).isSameAs(body);
        if (read.modelSpan().present()) {
            assertThat(read.modelSpan().start()).isBetween(0, body.length);
            assertThat(read.modelSpan().end()).isBetween(read.modelSpan().start(), body.length);
        }
        for (RequestBody.OutputLimit limit : read.outputLimits()) {
            assertThat(limit.tokens() == null || limit.tokens() >= 0).isTrue();
        }
    }

    @FuzzTest(maxDuration = "60s")
    void aTopLevelFieldIsFoundOrNotNeverThrown(byte[] body) {
        if (body != null) {
            TopLevelFields.has(body, "messages"); // /api/ai/completion picks its endpoint by it
        }
    }

    @FuzzTest(maxDuration = "60s")
    void aCompressedBodyIsDecodedWithinItsLimitOrRefused(FuzzedDataProvider data) {
        String header = data.consumeString(40);
        int limit = data.consumeInt(0, 1 << 16);
        byte[] body = data.consumeRemainingAsBytes();
        long[] reserved = {0};
        byte[] decoded;
        try {
            decoded = ContentCoding.decode(header, body, limit, n -> reserved[0] = Math.max(reserved[0], n));
        } catch (ApiException refused) {
            assertThat(refused.status()).isIn(400, 413, 415);
            return;
        }
        assertThat(decoded.length).isLessThanOrEqualTo(Math.max(limit, body.length));
        assertThat(reserved[0]).as("each buffer counted before it is allocated").isLessThanOrEqualTo(limit + 1L);
    }

    @FuzzTest(maxDuration = "60s")
    void aPathIsSpelledOneWayOrRefused(String path) {
        if (path == null) {
            return; // the server always hands over a path
        }
        String canonical;
        try {
            canonical = CanonicalPath.of(path);
        } catch (ApiException refused) {
            assertThat(refused.status()).isIn(400, 404);
            return;
        }
        assertThat(CanonicalPath.of(canonical)).as("a canonical path is its own spelling").isEqualTo(canonical);
        assertThat(canonical).doesNotContain("//").doesNotContain("/../").doesNotContain("/./");
        assertThat(canonical.chars().allMatch(c -> c > 0x20 && c < 0x7f)).as(canonical).isTrue();
    }
}
