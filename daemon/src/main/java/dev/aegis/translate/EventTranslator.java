package dev.aegis.translate;

import dev.aegis.streaming.SseEvent;
import java.util.List;

/** Turns each event of a provider's stream into the events the client's protocol expects (often none or one). */
public interface EventTranslator {

    List<SseEvent> translate(SseEvent upstream);
}
