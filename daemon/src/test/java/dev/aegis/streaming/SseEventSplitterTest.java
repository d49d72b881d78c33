package dev.aegis.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseEventSplitterTest {

    private static List<SseEvent> feedInPieces(String text, int piece) {
        SseEventSplitter s = new SseEventSplitter();
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        List<SseEvent> out = new ArrayList<>();
        for (int i = 0; i < b.length; i += piece) {
            out.addAll(s.feed(b, i, Math.min(piece, b.length - i)));
        }
        return out;
    }

    @Test
    void eventsSplitAcrossReadsKeepTheirExactBytes() {
        String text = "event: a\ndata: {\"x\":1}\n\nevent: b\r\ndata: line1\r\ndata: line2\r\n\r\ndata: [DONE]\n\n";
        for (int piece = 1; piece <= text.length(); piece++) {
            List<SseEvent> events = feedInPieces(text, piece);
            assertThat(events).hasSize(3);
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            events.forEach(e -> joined.writeBytes(e.raw()));
            assertThat(joined.toString(StandardCharsets.UTF_8)).isEqualTo(text);
            assertThat(events.get(0).event()).isEqualTo("a");
            assertThat(events.get(1).data()).isEqualTo("line1\nline2");
            assertThat(events.get(2).data()).isEqualTo("[DONE]");
        }
    }

    @Test
    void commentsAndUnfinishedEvents() {
        SseEventSplitter s = new SseEventSplitter();
        byte[] b = ": keep-alive\n\ndata: partial".getBytes(StandardCharsets.UTF_8);
        List<SseEvent> events = s.feed(b, 0, b.length);
        assertThat(events).singleElement().satisfies(e -> assertThat(e.data()).isNull());
        assertThat(new String(s.remainder(), StandardCharsets.UTF_8)).isEqualTo("data: partial");
    }

    @Test
    void eachLineEndIsALineEndWhenAnEventIsRead() {
        SseEvent e = SseEventSplitter.parse("event:x\rdata: a\r\ndata:b\ndata:  c\r\r\n: note\ndata:\n\n".getBytes(StandardCharsets.UTF_8));
        assertThat(e.event()).isEqualTo("x");
        assertThat(e.data()).isEqualTo("a\nb\n c\n");
    }
}
