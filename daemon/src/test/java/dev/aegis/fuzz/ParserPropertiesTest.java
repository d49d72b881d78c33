package dev.aegis.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.http.ApiException;
import dev.aegis.proxy.BodyInspector;
import dev.aegis.security.SecretKind;
import dev.aegis.security.SecretScanner;
import dev.aegis.streaming.SseEvent;
import dev.aegis.streaming.SseEventSplitter;
import dev.aegis.usage.UsageExtractor;
import dev.aegis.usage.UsageExtractors;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Property-based fuzzing (jqwik, bounded tries so the build stays fast) of everything that reads
 * input Aegis does not control: the SSE splitter, the usage extractors, the secret scanner, the body inspector.
 */
class ParserPropertiesTest {

    private static final SecretScanner SCANNER = new SecretScanner(SecretKind.BUILT_IN, Set.of());

    @Provide
    Arbitrary<String> sseLike() {
        return Arbitraries.strings().withChars("data: event:{}\"\n\r[]DONEusage_tokens0123456789,:message_start")
                .ofMaxLength(400);
    }

    @Property(tries = 300)
    void splitterKeepsEveryByteWhateverTheChunking(@ForAll("sseLike") String stream, @ForAll @IntRange(min = 1, max = 50) int chunk) {
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        SseEventSplitter splitter = new SseEventSplitter();
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (int i = 0; i < bytes.length; i += chunk) {
            for (SseEvent e : splitter.feed(bytes, i, Math.min(chunk, bytes.length - i))) {
                joined.writeBytes(e.raw());
            }
        }
        joined.writeBytes(splitter.remainder());
        assertThat(joined.toByteArray()).isEqualTo(bytes);
    }

    @Property(tries = 300)
    void extractorsNeverThrowAndNeverCountBelowZero(@ForAll("sseLike") String data, @ForAll("eventNames") String event) {
        List<UsageExtractor> extractors = List.of(UsageExtractors.openAiChat(true), UsageExtractors.openAiResponses(),
                UsageExtractors.anthropicMessages());
        for (UsageExtractor x : extractors) {
            x.onEvent(new SseEvent(new byte[0], event, data));
            x.onBody(data.getBytes(StandardCharsets.UTF_8));
            assertThat(x.usage().input()).isGreaterThanOrEqualTo(0);
            assertThat(x.usage().output()).isGreaterThanOrEqualTo(0);
        }
    }

    @Provide
    Arbitrary<String> eventNames() {
        return Arbitraries.of("message_start", "message_delta", "message_stop", "response.completed", "response.incomplete",
                "content_block_delta", "ping");
    }

    @Property(tries = 300)
    void scannerFindingsAreInsideTheTextAndRedactionRemovesThem(
            @ForAll @Size(max = 300) List<@net.jqwik.api.constraints.StringLength(max = 30) String> parts) {
        String text = String.join(" ", parts) + " ghp_0123456789abcdefghijklmnopqrstuvwxyz";
        List<SecretScanner.Finding> findings = SCANNER.scan(text);
        for (SecretScanner.Finding f : findings) {
            assertThat(f.start()).isBetween(0, f.end());
            assertThat(f.end()).isLessThanOrEqualTo(text.length());
        }
        String redacted = SecretScanner.redact(text, findings);
        assertThat(redacted).doesNotContain("ghp_0123456789abcdefghijklmnopqrstuvwxyz");
    }

    @Property(tries = 300)
    void bodyInspectorAnswersEveryInputWithABodyOrA400(@ForAll("jsonish") String body) {
        try {
            BodyInspector.inspect(body.getBytes(StandardCharsets.UTF_8));
        } catch (ApiException e) {
            assertThat(e.status()).isEqualTo(400);
        }
    }

    @Provide
    Arbitrary<String> jsonish() {
        return Arbitraries.strings().withChars("{}[]\":,model stream true false null 0123456789\\u").ofMaxLength(200);
    }
}
