package dev.aegis.usage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.streaming.SseEvent;
import java.util.Set;

/** OpenAI Responses API: the usage of {@code response.completed} (or {@code .incomplete} / {@code .failed}). */
final class ResponsesUsageExtractor extends OpenAiUsageExtractor {

    private static final Set<String> FINAL = Set.of("response.completed", "response.incomplete", "response.failed");

    ResponsesUsageExtractor() {
        super(JsonUsage::openAiResponses);
    }

    @Override
    public boolean onEvent(SseEvent event) {
        String type = event.event();
        if (type == null && event.data() != null && event.data().contains("\"response.")) {
            JsonNode data = event.json();
            type = data == null ? null : data.path("type").asText(null);
        }
        if (type != null && FINAL.contains(type)) {
            JsonNode data = event.json();
            if (data != null && data.at("/response/usage").isObject()) {
                usage = read(data.at("/response/usage"));
            }
            if (data != null) {
                tier(data.at("/response/service_tier"));
            }
            end = true;
        }
        return true;
    }
}
