package dev.aegis.usage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.streaming.SseEvent;
import java.util.Set;

/** OpenAI Responses API: the usage of {@code response.completed} (or {@code .incomplete} / {@code .failed}). */
final class ResponsesUsageExtractor implements UsageExtractor {

    private static final Set<String> FINAL = Set.of("response.completed", "response.incomplete", "response.failed");

    private TokenUsage usage = TokenUsage.NONE;
    private boolean end;

    @Override
    public boolean onEvent(SseEvent event) {
        String type = event.event();
        if (type == null && event.data() != null && event.data().contains("\"response.")) {
            JsonNode data = JsonUsage.parse(event.data());
            type = data == null ? null : data.path("type").asText(null);
        }
        if (type != null && FINAL.contains(type)) {
            JsonNode data = JsonUsage.parse(event.data());
            if (data != null && data.at("/response/usage").isObject()) {
                usage = JsonUsage.openAiResponses(data.at("/response/usage"));
            }
            end = true;
        }
        return true;
    }

    @Override
    public void onBody(byte[] body) {
        JsonNode root = JsonUsage.parse(body);
        if (root != null && root.path("usage").isObject()) {
            usage = JsonUsage.openAiResponses(root.path("usage"));
        }
        end = true;
    }

    @Override
    public TokenUsage usage() {
        return usage;
    }

    @Override
    public boolean sawEnd() {
        return end;
    }
}
