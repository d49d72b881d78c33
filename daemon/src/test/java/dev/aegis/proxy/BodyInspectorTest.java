package dev.aegis.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.http.ApiException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BodyInspectorTest {

    private static RequestBody inspect(String json) {
        return BodyInspector.inspect(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsModelAndStreamAtTopLevelOnly() {
        RequestBody b = inspect("{\"messages\":[{\"model\":\"inner\",\"stream\":true}],\"model\":\"gpt-4o\",\"stream\":true}");
        assertThat(b.model()).isEqualTo("gpt-4o");
        assertThat(b.stream()).isTrue();
        assertThat(inspect("{\"model\":\"m\"}").stream()).isFalse();
    }

    @Test
    void renamingTheModelTouchesNoOtherByte() {
        String json = "{ \"x\": \"é\\u00e9\",\n \"model\" :\"aegis-fast\" , \"y\":[1, 2] }";
        RequestBody b = inspect(json);

        assertThat(new String(b.forUpstream(new RequestBody.Changes("gpt-4o-mini", false, null, null)), StandardCharsets.UTF_8))
                .isEqualTo(json.replace("\"aegis-fast\"", "\"gpt-4o-mini\""));
        assertThat(b.forUpstream(new RequestBody.Changes("aegis-fast", false, null, null))).isSameAs(b.bytes());
        assertThat(new String(b.forUpstream(new RequestBody.Changes("a\"b", false, null, null)), StandardCharsets.UTF_8)).contains("\"model\" :\"a\\\"b\"");
    }

    @Test
    void escapedModelNamesAreDecoded() {
        RequestBody b = inspect("{\"model\":\"gpt\\u002d4o\"}");
        assertThat(b.model()).isEqualTo("gpt-4o");
        assertThat(new String(b.forUpstream(new RequestBody.Changes("x", false, null, null)), StandardCharsets.UTF_8)).isEqualTo("{\"model\":\"x\"}");
    }

    @Test
    void rejectsWhatIsNotOneJsonObject() {
        for (String bad : new String[] {"", "nope", "[]", "{\"model\":1}", "{\"a\":1", "{} []", "{\"stream\":1}",
                "{\"a\":" + "[".repeat(BodyInspector.MAX_NESTING + 5) + "}"}) {
            assertThatThrownBy(() -> inspect(bad)).as(bad).isInstanceOfSatisfying(ApiException.class,
                    e -> assertThat(e.status()).isEqualTo(400));
        }
    }

    @Test
    void errorMessagesNeverQuoteTheBody() {
        assertThatThrownBy(() -> inspect("{\"a\": sk-proj-secretsecret}"))
                .isInstanceOf(ApiException.class)
                .message()
                .doesNotContain("sk-proj")
                .contains("line 1");
    }
}
