package dev.aegis.streaming.cutoff;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.json.Json;
import dev.aegis.streaming.SseEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Responses stream ended at a budget: the open item is closed as what it is, with what the client
 * was sent of it, and the response holds every item; the event that crossed the budget is withheld
 * and leaves no trace in the ending.
 */
class ResponsesCutoffTest {

    private long sequence;

    private SseEvent event(String type, String fields) {
        String data = "{\"type\":\"" + type + "\",\"sequence_number\":" + sequence++ + (fields.isEmpty() ? "" : "," + fields) + "}";
        return new SseEvent(("event: " + type + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8), type, data);
    }

    /** The ending's events' data, in order. */
    private static List<JsonNode> ending(byte[] bytes) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("data: ")) {
                out.add(Json.mapper().readTree(line.substring(6)));
            }
        }
        return out;
    }

    /** Relays events until the cutoff ends the stream; the bytes of the ending. */
    private static byte[] relayUntilCut(BudgetCutoff cutoff, List<SseEvent> events, List<SseEvent> sent) {
        for (SseEvent e : events) {
            byte[] out = cutoff.relay(e, true);
            if (cutoff.ended()) {
                return out;
            }
            sent.add(e);
        }
        throw new AssertionError("the budget never ran out");
    }

    @Test
    void aFunctionCallOpenAtTheBudgetIsClosedAsAFunctionCallAndTheMessageBeforeItIsKept() throws Exception {
        List<SseEvent> stream = new ArrayList<>();
        stream.add(event("response.created", "\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"in_progress\",\"output\":[]}"));
        stream.add(event("response.output_item.added", "\"output_index\":0,\"item\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[]}"));
        stream.add(event("response.output_text.delta", "\"output_index\":0,\"content_index\":0,\"delta\":\"Calling.\""));
        stream.add(event("response.output_item.done", "\"output_index\":0,\"item\":{\"id\":\"msg_1\",\"type\":\"message\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"Calling.\",\"annotations\":[]}]}"));
        stream.add(event("response.output_item.added", "\"output_index\":1,\"item\":{\"id\":\"fc_1\",\"type\":\"function_call\",\"call_id\":\"call_1\",\"name\":\"write\",\"arguments\":\"\",\"status\":\"in_progress\"}"));
        for (int i = 0; i < 50; i++) {
            stream.add(event("response.function_call_arguments.delta", "\"output_index\":1,\"delta\":\"{\\\"a\\\":" + i + "}\""));
        }
        List<SseEvent> sent = new ArrayList<>();
        List<JsonNode> end = ending(relayUntilCut(new ResponsesCutoff(20), stream, sent));

        long lastSent = sent.getLast().json().path("sequence_number").asLong();
        String argumentsSent = sent.stream().filter(e -> e.event().equals("response.function_call_arguments.delta"))
                .map(e -> e.json().path("delta").asText()).reduce("", String::concat);
        assertThat(end).hasSize(2);
        JsonNode itemDone = end.get(0);
        assertThat(itemDone.path("type").asText()).isEqualTo("response.output_item.done");
        assertThat(itemDone.path("sequence_number").asLong()).as("right after the last event sent").isEqualTo(lastSent + 1);
        assertThat(itemDone.path("output_index").asInt()).isEqualTo(1);
        JsonNode call = itemDone.path("item");
        assertThat(call.path("type").asText()).isEqualTo("function_call");
        assertThat(call.path("id").asText()).isEqualTo("fc_1");
        assertThat(call.path("call_id").asText()).isEqualTo("call_1");
        assertThat(call.path("status").asText()).isEqualTo("incomplete");
        assertThat(call.path("arguments").asText()).as("the arguments the client was sent").isEqualTo(argumentsSent);

        JsonNode incomplete = end.get(1);
        assertThat(incomplete.path("type").asText()).isEqualTo("response.incomplete");
        assertThat(incomplete.path("sequence_number").asLong()).isEqualTo(lastSent + 2);
        JsonNode response = incomplete.path("response");
        assertThat(response.path("id").asText()).isEqualTo("resp_1");
        assertThat(response.path("incomplete_details").path("reason").asText()).isEqualTo("max_output_tokens");
        assertThat(response.path("output")).hasSize(2);
        assertThat(response.path("output").get(0).path("id").asText()).isEqualTo("msg_1");
        assertThat(response.path("output").get(0).path("content").get(0).path("text").asText()).isEqualTo("Calling.");
        assertThat(response.path("output").get(1)).isEqualTo(call);
    }

    @Test
    void aMessageOpenAtTheBudgetHoldsTheTextTheClientWasSentAndNoMore() throws Exception {
        List<SseEvent> stream = new ArrayList<>();
        stream.add(event("response.created", "\"response\":{\"id\":\"resp_2\",\"object\":\"response\",\"output\":[]}"));
        stream.add(event("response.output_item.added", "\"output_index\":0,\"item\":{\"id\":\"msg_2\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[]}"));
        for (int i = 0; i < 50; i++) {
            stream.add(event("response.output_text.delta", "\"output_index\":0,\"content_index\":0,\"delta\":\"word" + i + " \""));
        }
        List<SseEvent> sent = new ArrayList<>();
        List<JsonNode> end = ending(relayUntilCut(new ResponsesCutoff(30), stream, sent));

        String textSent = sent.stream().filter(e -> e.event().equals("response.output_text.delta"))
                .map(e -> e.json().path("delta").asText()).reduce("", String::concat);
        JsonNode item = end.get(0).path("item");
        assertThat(item.path("type").asText()).isEqualTo("message");
        assertThat(item.path("id").asText()).isEqualTo("msg_2");
        assertThat(item.path("content").get(0).path("text").asText()).isEqualTo(textSent);
        assertThat(end.get(0).path("sequence_number").asLong())
                .isEqualTo(sent.getLast().json().path("sequence_number").asLong() + 1);
        assertThat(end.get(1).path("response").path("output")).hasSize(1);
    }
}
