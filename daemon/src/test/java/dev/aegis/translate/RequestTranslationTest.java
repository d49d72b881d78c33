package dev.aegis.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.json.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Request bodies crossing between chat completions and Messages: the parts clients rely on. */
class RequestTranslationTest {

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode json(byte[] bytes) {
        try {
            return Json.mapper().readTree(bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
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
        assertThat(out.path("system").toString()).as("system and developer parts stay apart as blocks")
                .isEqualTo("[{\"type\":\"text\",\"text\":\"one\"},{\"type\":\"text\",\"text\":\"two\"}]");
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

    private static String chatRefusal(String fields) {
        return refusal(() -> ChatRequestAsMessages.translate(bytes("{\"model\":\"x\"," + fields + "}"), "claude", null));
    }

    private static String responsesRefusal(String fields) {
        return refusal(() -> ResponsesRequestAsMessages.translate(bytes("{\"model\":\"x\"," + fields + "}"), "claude", null));
    }

    private static String messagesRefusal(String fields) {
        return refusal(() -> MessagesRequestAsChat.translate(bytes("{\"model\":\"x\",\"max_tokens\":9," + fields + "}"),
                "gpt", null, "max_tokens"));
    }

    private static String refusal(Runnable translation) {
        Throwable[] thrown = new Throwable[1];
        assertThatThrownBy(translation::run).isInstanceOf(Untranslatable.class).satisfies(t -> thrown[0] = t);
        return thrown[0].getMessage();
    }

    @Test
    void chatFieldsThatChangeTheAnswerAndHaveNoMessagesCounterpartAreRefused() {
        String user = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        assertThat(chatRefusal("\"n\":2," + user)).contains("n above 1");
        assertThat(chatRefusal("\"response_format\":{\"type\":\"json_object\"}," + user)).contains("json_object");
        assertThat(chatRefusal("\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"s\"}},"
                + user)).contains("json_schema");
        assertThat(chatRefusal("\"functions\":[{\"name\":\"f\"}]," + user)).contains("tools");
        assertThat(chatRefusal("\"function_call\":\"auto\"," + user)).contains("legacy function calling");
        assertThat(chatRefusal("\"messages\":[{\"role\":\"assistant\",\"function_call\":{\"name\":\"f\","
                + "\"arguments\":\"{}\"}},{\"role\":\"function\",\"name\":\"f\",\"content\":\"1\"}]"))
                .contains("legacy function calling");
        assertThat(chatRefusal("\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"call_1\","
                + "\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\": [1,\"}}]}]"))
                .as("a broken call is not sent as input {}").contains("call_1", "not a JSON object");

        JsonNode fine = json(ChatRequestAsMessages.translate(bytes("""
                {"model":"x","n":1,"response_format":{"type":"text"},"messages":[
                 {"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":""}}]},
                 {"role":"tool","tool_call_id":"call_1","content":[{"type":"text","text":"Part one."},{"type":"text","text":"Part two"}]},
                 {"role":"user","content":[{"type":"text","text":"Part one."},{"type":"text","text":"Part two"}]}]}
                """), "claude", null));
        assertThat(fine.at("/messages/0/content/0/input").toString()).as("no arguments are no input").isEqualTo("{}");
        assertThat(fine.at("/messages/1/content/0/content/1/text").asText()).isEqualTo("Part two");
        assertThat(fine.at("/messages/1/content/1/text").asText()).as("parts stay apart").isEqualTo("Part one.");
        assertThat(fine.at("/messages/1/content/2/text").asText()).isEqualTo("Part two");
    }

    @Test
    void responsesContextStoredAtOpenAiJsonFormatsAndCustomToolsAreRefused() {
        String input = "\"input\":\"and then?\"";
        for (String stored : new String[] {"\"previous_response_id\":\"resp_x\"", "\"conversation\":\"conv_123\"",
                "\"prompt\":{\"id\":\"pmpt_1\"}"}) {
            assertThat(responsesRefusal(stored + "," + input)).contains("stored at OpenAI", "cannot be sent to Anthropic");
        }
        assertThat(responsesRefusal("\"store\":true," + input)).contains("store: true");
        assertThat(responsesRefusal("\"input\":[{\"type\":\"item_reference\",\"id\":\"msg_1\"}]"))
                .contains("stored at OpenAI");
        assertThat(responsesRefusal("\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"s\",\"schema\":{}}},"
                + input)).contains("json_schema");
        assertThat(responsesRefusal("\"tools\":[{\"type\":\"custom\",\"name\":\"apply_patch\"}]," + input))
                .contains("custom");
        assertThat(responsesRefusal("\"input\":[{\"type\":\"custom_tool_call\",\"call_id\":\"c\",\"name\":\"apply_patch\","
                + "\"input\":\"*** Begin Patch\"},{\"type\":\"custom_tool_call_output\",\"call_id\":\"c\",\"output\":\"ok\"}]"))
                .contains("custom");
        assertThat(responsesRefusal("\"input\":[{\"type\":\"function_call\",\"call_id\":\"c\",\"name\":\"f\","
                + "\"arguments\":\"{\\\"a\\\": [1,\"}]")).contains("not a JSON object");

        JsonNode fine = json(ResponsesRequestAsMessages.translate(bytes("""
                {"model":"x","store":false,"text":{"format":{"type":"text"}},"instructions":"Sys A","input":[
                 {"role":"developer","content":[{"type":"input_text","text":"Sys B"}]},
                 {"role":"user","content":[{"type":"input_text","text":"Part one."},{"type":"input_text","text":"Part two"}]}]}
                """), "claude", null));
        assertThat(fine.at("/system/0/text").asText()).isEqualTo("Sys A");
        assertThat(fine.at("/system/1/text").asText()).isEqualTo("Sys B");
        assertThat(fine.at("/messages/0/content").size()).isEqualTo(2);
    }

    @Test
    void messagesAsChatKeepsPartsApartMarksToolErrorsMovesToolImagesAndRefusesDocuments() {
        JsonNode out = json(MessagesRequestAsChat.translate(bytes("""
                {"model":"x","max_tokens":9,"system":[{"type":"text","text":"Sys A"},{"type":"text","text":"Sys B"}],
                 "messages":[
                  {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"f","input":{}},
                    {"type":"tool_use","id":"toolu_2","name":"shot","input":{}}]},
                  {"role":"user","content":[
                    {"type":"tool_result","tool_use_id":"toolu_1","is_error":true,"content":"file not found"},
                    {"type":"tool_result","tool_use_id":"toolu_2","content":[{"type":"text","text":"taken"},
                      {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBO"}}]},
                    {"type":"text","text":"Part one."},{"type":"text","text":"Part two"}]}]}
                """), "gpt", null, "max_tokens"));
        JsonNode m = out.path("messages");
        assertThat(m.at("/0/content/0/text").asText()).isEqualTo("Sys A");
        assertThat(m.at("/0/content/1/text").asText()).isEqualTo("Sys B");
        assertThat(m.at("/2/role").asText()).isEqualTo("tool");
        assertThat(m.at("/2/content").asText()).isEqualTo("[tool error] file not found");
        assertThat(m.at("/3/content").asText()).isEqualTo("taken");
        assertThat(m.at("/4/role").asText()).isEqualTo("user");
        assertThat(m.at("/4/content/0/text").asText()).isEqualTo("[images returned by tool call toolu_2]");
        assertThat(m.at("/4/content/1/image_url/url").asText()).isEqualTo("data:image/png;base64,iVBO");
        assertThat(m.at("/4/content/2/text").asText()).isEqualTo("Part one.");
        assertThat(m.at("/4/content/3/text").asText()).isEqualTo("Part two");

        String document = "{\"type\":\"document\",\"source\":{\"type\":\"base64\",\"media_type\":\"application/pdf\","
                + "\"data\":\"JVBE\"}}";
        assertThat(messagesRefusal("\"messages\":[{\"role\":\"user\",\"content\":[" + document + "]}]"))
                .contains("document");
        assertThat(messagesRefusal("\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\","
                + "\"tool_use_id\":\"t\",\"content\":[" + document + "]}]}]")).contains("document");
    }

    @Test
    void anOpenAiQuotaErrorIsAnAnthropicBillingError() throws Exception {
        JsonNode quota = json(ErrorBodies.toAnthropic(bytes(
                "{\"error\":{\"message\":\"You exceeded your current quota\",\"type\":\"insufficient_quota\","
                        + "\"code\":\"insufficient_quota\"}}"), 429));
        assertThat(quota.at("/error/type").asText()).isEqualTo("billing_error");
        JsonNode limit = json(ErrorBodies.toAnthropic(bytes(
                "{\"error\":{\"message\":\"slow down\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}"), 429));
        assertThat(limit.at("/error/type").asText()).isEqualTo("rate_limit_error");
    }
}
