package dev.aegis.front;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpVersion;

/**
 * The front and Jetty must read a head the front takes the same way: whatever bytes come, the
 * front's parse ends without an exception, and when it takes a head, Jetty's own parser (the one
 * that would have read it without the front) reads the same method, path and header lines from the
 * same bytes, and refuses nothing. A head the two read differently would be a smuggling hole or a
 * request served unlike before. {@code JAZZER_FUZZ=1} fuzzes it (docs/SECURITY.md).
 */
class FrontHeadFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void aHeadTheFrontTakesJettyReadsTheSame(byte[] bytes) {
        if (bytes == null) {
            return;
        }
        FrontHead.Parsed parsed = FrontHead.parse(bytes, 0, bytes.length, (m, p) -> true, h -> true);
        if (!(parsed instanceof RequestHead head)) {
            return;
        }
        assertThat(head.length()).isBetween(4, bytes.length);
        assertThat(new String(bytes, head.length() - 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo("\r\n\r\n");

        JettyReading jetty = new JettyReading();
        HttpParser parser = new HttpParser(jetty, 64 * 1024, HttpCompliance.RFC9110);
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, head.length());
        while (buffer.hasRemaining() && !jetty.headComplete && jetty.failure == null) {
            if (!parser.parseNext(buffer) && !buffer.hasRemaining()) {
                break;
            }
        }
        assertThat(jetty.failure).as("Jetty's refusal of a head the front took").isNull();
        assertThat(jetty.headComplete).as("Jetty read the head to its end").isTrue();
        assertThat(jetty.method).isEqualTo(head.method());
        assertThat(jetty.uri).isEqualTo(head.path());
        assertThat(jetty.version).isEqualTo(HttpVersion.HTTP_1_1);
        assertThat(jetty.names).hasSameSizeAs(head.names());
        for (int i = 0; i < head.names().length; i++) {
            assertThat(jetty.names.get(i)).isEqualToIgnoringCase(head.names()[i]);
            assertThat(jetty.values.get(i)).isEqualToIgnoringCase(head.values()[i]);
        }
    }

    /** What Jetty's parser made of the head. */
    private static final class JettyReading implements HttpParser.RequestHandler {

        String method;
        String uri;
        HttpVersion version;
        final List<String> names = new ArrayList<>();
        final List<String> values = new ArrayList<>();
        boolean headComplete;
        HttpException failure;

        @Override
        public void startRequest(String method, String uri, HttpVersion version) {
            this.method = method;
            this.uri = uri;
            this.version = version;
        }

        @Override
        public void parsedHeader(HttpField field) {
            names.add(field.getName());
            values.add(field.getValue());
        }

        @Override
        public boolean headerComplete() {
            headComplete = true;
            return true;
        }

        @Override
        public boolean content(ByteBuffer item) {
            return false;
        }

        @Override
        public boolean contentComplete() {
            return false;
        }

        @Override
        public boolean messageComplete() {
            return true;
        }

        @Override
        public void earlyEOF() {}

        @Override
        public void badMessage(HttpException failure) {
            this.failure = failure;
        }
    }
}
