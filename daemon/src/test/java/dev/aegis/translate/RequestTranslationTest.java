package dev.aegis.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.json.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Request bodies crossing between chat completions and Messages: the parts clients rely on. */
class RequestTranslationTest {

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode json(byte[] bytes) throws Exception {
        return Json.mapper().readTree(bytes);
    }

    @Test
    void chatAsMessagesMovesSystemMergesTurnsAndKeepsImagesStopsAndToolChoice() throws Exception {
        JsonNode out = json(ChatRequestAsMessages.translate(bytes("""
                {"model":"x","max_tokens":900,"temperature":1.6,"stop":"END","user":"u1",
                 "parallel_tool_calls":false,"tool_choice":{"type":"function","function":{"name":"f"}},
                 "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],
                 "messages":[
                  {"role":"system","content":"one"},
                  {"role":"developer","content":[{"type":"text","text":"two"}]},
                  {"role":"user","content":[{"type":"text","text":"look"},
                    {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
                    {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]},
                  {"role":"user","content":"and this"},
                  {"role":"assistant","content":""}]}
                """), "claude-sonnet-4-5", 500));

        assertThat(out.path("model").asText()).isEqualTo("claude-sonnet-4-5");
        assertThat(out.path("max_tokens").asInt()).as("the budget's cap wins over the client's 900").isEqualTo(500);
        assertThat(out.path("system").asText()).isEqualTo("one\n\ntwo");
        assertThat(out.path("temperature").asDouble()).isEqualTo(1.0);
        assertThat(out.path("stop_sequences").toString()).isEqualTo("[\"END\"]");
        assertThat(out.at("/metadata/user_id").asText()).isEqualTo("u1");
        assertThat(out.path("messages")).as("two user turns merged; the empty assistant turn dropped").hasSize(1);
        JsonNode content = out.at("/messages/0/content");
        assertThat(content).hasSize(4);
        assertThat(content.at("/1/source/type").asText()).isEqualTo("base64");
        assertThat(content.at("/1/source/media_type").asText()).isEqualTo("image/png");
        assertThat(content.at("/1/source/data").asText()).isEqualTo("iVBORw0KGgo=");
        assertThat(content.at("/2/source/url").asText()).isEqualTo("https://example.com/cat.jpg");
        assertThat(content.at("/3/text").asText()).isEqualTo("and this");
        assertThat(out.at("/tool_choice/type").asText()).isEqualTo("tool");
        assertThat(out.at("/tool_choice/name").asText()).isEqualTo("f");
        assertThat(out.at("/tool_choice/disable_parallel_tool_use").asBoolean()).isTrue();
    }

    @Test
    void messagesAsChatPutsToolResultsFirstAndImagesAsDataUrls() throws Exception {
        JsonNode out = json(MessagesRequestAsChat.translate(bytes("""
                {"model":"x","max_tokens":100,"stream":true,"stop_sequences":["END"],
                 "system":[{"type":"text","text":"be brief"}],
                 "tool_choice":{"type":"any"},
                 "tools":[{"name":"f","input_schema":{"type":"object"}},{"type":"web_search_20250305","name":"web_search"}],
                 "messages":[
                  {"role":"assistant","content":[{"type":"thinking","thinking":"hm"},{"type":"text","text":"Calling."},
                    {"type":"tool_use","id":"toolu_1","name":"f","input":{"a":1}}]},
                  {"role":"user","content":[{"type":"text","text":"here"},
                    {"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"42"}]},
                    {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"AAAA"}}]}]}
                """), "llama3.2", null, "max_tokens"));

        assertThat(out.path("max_tokens").asInt()).isEqualTo(100);
        assertThat(out.at("/stream_options/include_usage").asBoolean()).isTrue();
        assertThat(out.path("stop").toString()).isEqualTo("[\"END\"]");
        JsonNode m = out.path("messages");
        assertThat(m.at("/0/role").asText()).isEqualTo("system");
        assertThat(m.at("/0/content").asText()).isEqualTo("be brief");
        assertThat(m.at("/1/content").asText()).isEqualTo("Calling.");
        assertThat(m.at("/1/tool_calls/0/function/arguments").asText()).isEqualTo("{\"a\":1}");
        assertThat(m.at("/2/role").asText()).isEqualTo("tool");
        assertThat(m.at("/2/tool_call_id").asText()).isEqualTo("toolu_1");
        assertThat(m.at("/2/content").asText()).isEqualTo("42");
        assertThat(m.at("/3/role").asText()).isEqualTo("user");
        assertThat(m.at("/3/content/1/image_url/url").asText()).isEqualTo("data:image/jpeg;base64,AAAA");
        assertThat(out.path("tools")).as("server tools exist only at Anthropic").hasSize(1);
        assertThat(out.path("tool_choice").asText()).isEqualTo("required");
    }

    @Test
    void errorBodiesKeepMessageAndKindAndSurviveNonJson() throws Exception {
        JsonNode openAi = json(ErrorBodies.toOpenAi(bytes("<html>bad gateway</html>"), 502));
        assertThat(openAi.at("/error/message").asText()).isEqualTo("<html>bad gateway</html>");
        assertThat(openAi.at("/error/type").asText()).isEqualTo("server_error");
        JsonNode anthropic = json(ErrorBodies.toAnthropic(bytes("{\"error\":{\"message\":\"busy\"}}"), 529));
        assertThat(anthropic.at("/error/type").asText()).isEqualTo("overloaded_error");
        assertThat(anthropic.at("/error/message").asText()).isEqualTo("busy");
    }
}
