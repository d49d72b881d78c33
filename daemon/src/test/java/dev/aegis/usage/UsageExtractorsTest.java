package dev.aegis.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.streaming.SseEvent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UsageExtractorsTest {

    private static SseEvent event(String name, String data) {
        String raw = (name == null ? "" : "event: " + name + "\n") + "data: " + data + "\n\n";
        return new SseEvent(raw.getBytes(StandardCharsets.UTF_8), name, data);
    }

    @Test
    void anthropicDeltaReplacesOnlyTheFieldsItNames() {
        UsageExtractor x = UsageExtractors.anthropicMessages();
        x.onEvent(event("message_start", "{\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":10,"
                + "\"cache_read_input_tokens\":30,\"cache_creation_input_tokens\":5,\"output_tokens\":1}}}"));
        x.onEvent(event("message_delta", "{\"type\":\"message_delta\",\"usage\":{\"output_tokens\":42}}"));
        assertThat(x.sawEnd()).isFalse();
        x.onEvent(event("message_stop", "{\"type\":\"message_stop\"}"));

        assertThat(x.usage()).isEqualTo(new TokenUsage(45, 30, 5, 42, 0));
        assertThat(x.sawEnd()).isTrue();
    }

    @Test
    void anthropicDeltaWithNullCountsKeepsTheStartsAndItsThinkingIsTheReasoning() {
        // The SDK's MessageDeltaUsage: every count present, the input side null when not resent.
        UsageExtractor x = UsageExtractors.anthropicMessages();
        x.onEvent(event("message_start", "{\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":500,"
                + "\"cache_read_input_tokens\":3000,\"cache_creation_input_tokens\":25,\"output_tokens\":1}}}"));
        x.onEvent(event("message_delta", "{\"type\":\"message_delta\",\"usage\":{\"input_tokens\":null,"
                + "\"cache_creation_input_tokens\":null,\"cache_read_input_tokens\":null,\"output_tokens\":90,"
                + "\"server_tool_use\":null,\"output_tokens_details\":{\"thinking_tokens\":60}}}"));
        assertThat(x.usage()).isEqualTo(new TokenUsage(3525, 3000, 25, 90, 60));
    }

    @Test
    void chatUsageChunkIsHiddenOnlyWhenAegisAskedForIt() {
        String chunk = "{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":1}}}";
        UsageExtractor hiding = UsageExtractors.openAiChat(true);
        UsageExtractor showing = UsageExtractors.openAiChat(false);

        assertThat(hiding.onEvent(event(null, chunk))).isFalse();
        assertThat(showing.onEvent(event(null, chunk))).isTrue();
        assertThat(hiding.onEvent(event(null, "{\"choices\":[{\"delta\":{\"content\":\"usage\"}}]}"))).isTrue();
        assertThat(hiding.usage()).isEqualTo(new TokenUsage(3, 0, 0, 4, 1));
    }

    @Test
    void responsesUsageComesFromTheFinalEventEvenWithoutEventLines() {
        UsageExtractor x = UsageExtractors.openAiResponses();
        x.onEvent(event(null, "{\"type\":\"response.incomplete\",\"response\":{\"usage\":{\"input_tokens\":7,"
                + "\"input_tokens_details\":{\"cached_tokens\":2},\"output_tokens\":9,"
                + "\"output_tokens_details\":{\"reasoning_tokens\":4}}}}"));
        assertThat(x.usage()).isEqualTo(new TokenUsage(7, 2, 0, 9, 4));
        assertThat(x.sawEnd()).isTrue();
    }

    @Test
    void theTokensPricedApartAreCountedAsPartsOfTheirKind() {
        UsageExtractor chat = UsageExtractors.openAiChat(false);
        chat.onBody(("{\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":500,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":600},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":400}}}").getBytes(StandardCharsets.UTF_8));
        assertThat(chat.usage()).isEqualTo(new TokenUsage(1000, 0, 0, 500, 0, 600, 400, 0));

        // Models that bill a cache write (gpt-5.6) count it in prompt_tokens / input_tokens, like the reads.
        UsageExtractor writes = UsageExtractors.openAiChat(false);
        writes.onBody("{\"usage\":{\"prompt_tokens\":10000,\"completion_tokens\":100,\"prompt_tokens_details\":{\"cached_tokens\":2000,\"cache_write_tokens\":4000}}}"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(writes.usage()).isEqualTo(new TokenUsage(10000, 2000, 4000, 100, 0));
        UsageExtractor responses = UsageExtractors.openAiResponses();
        responses.onEvent(event("response.completed", "{\"type\":\"response.completed\",\"response\":{\"usage\":{\"input_tokens\":10000,"
                + "\"input_tokens_details\":{\"cached_tokens\":2000,\"cache_write_tokens\":4000,\"cache_write_tokens_details\":"
                + "{\"ttl_30m_tokens\":4000,\"ttl_12h_tokens\":0}},\"output_tokens\":100}}}"));
        assertThat(responses.usage()).isEqualTo(new TokenUsage(10000, 2000, 4000, 100, 0));

        UsageExtractor anthropic = UsageExtractors.anthropicMessages();
        anthropic.onEvent(event("message_start", "{\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":25,"
                + "\"cache_read_input_tokens\":400,\"cache_creation_input_tokens\":1100,"
                + "\"cache_creation\":{\"ephemeral_5m_input_tokens\":100,\"ephemeral_1h_input_tokens\":1000},\"output_tokens\":1}}}"));
        anthropic.onEvent(event("message_delta", "{\"type\":\"message_delta\",\"usage\":{\"output_tokens\":15,"
                + "\"server_tool_use\":{\"web_search_requests\":2}}}"));
        assertThat(anthropic.usage()).isEqualTo(new TokenUsage(1525, 400, 1100, 15, 0, 0, 0, 1000, 2));
    }

    @Test
    void eachProtocolNamesTheServiceTierThatServedTheCall() {
        UsageExtractor whole = UsageExtractors.openAiChat(false);
        whole.onBody("{\"usage\":{\"prompt_tokens\":3},\"service_tier\":\"priority\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(whole.serviceTier()).isEqualTo("priority");

        UsageExtractor chat = UsageExtractors.openAiChat(true);
        chat.onEvent(event(null, "{\"choices\":[],\"service_tier\":\"flex\",\"usage\":{\"prompt_tokens\":3}}"));
        assertThat(chat.serviceTier()).isEqualTo("flex");

        UsageExtractor responses = UsageExtractors.openAiResponses();
        responses.onEvent(event("response.completed", "{\"type\":\"response.completed\",\"response\":"
                + "{\"service_tier\":\"priority\",\"usage\":{\"input_tokens\":7}}}"));
        assertThat(responses.serviceTier()).isEqualTo("priority");

        UsageExtractor anthropic = UsageExtractors.anthropicMessages();
        anthropic.onBody("{\"type\":\"message\",\"usage\":{\"input_tokens\":1,\"service_tier\":\"priority\"}}"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(anthropic.serviceTier()).isEqualTo("priority");

        UsageExtractor silent = UsageExtractors.openAiChat(false);
        silent.onBody("{\"usage\":{\"prompt_tokens\":3},\"service_tier\":7}".getBytes(StandardCharsets.UTF_8));
        assertThat(silent.serviceTier()).as("a tier that is not a string names none").isNull();
    }

    @Test
    void garbageNeverThrows() {
        for (UsageExtractor x : new UsageExtractor[] {UsageExtractors.openAiChat(true), UsageExtractors.openAiResponses(),
                UsageExtractors.anthropicMessages()}) {
            x.onEvent(event("message_start", "{not json \"usage\""));
            x.onEvent(event("response.completed", "[1,2]"));
            x.onBody("<html>".getBytes(StandardCharsets.UTF_8));
            assertThat(x.usage()).isEqualTo(TokenUsage.NONE);
        }
    }
}
