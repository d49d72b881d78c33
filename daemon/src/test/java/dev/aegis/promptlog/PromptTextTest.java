package dev.aegis.promptlog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.streaming.SseEvent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What counts as the text of a prompt and of an answer, per protocol, and how a preview is cut. */
class PromptTextTest {

    private static String prompt(String json) {
        PreviewText out = new PreviewText(10_000);
        PromptText.collect(json.getBytes(StandardCharsets.UTF_8), PromptText.PROMPT_FIELDS, out, "\n");
        return out.text();
    }

    private static String answer(String json) {
        PreviewText out = new PreviewText(10_000);
        PromptText.collect(json.getBytes(StandardCharsets.UTF_8), PromptText.ANSWER_FIELDS, out, "\n");
        return out.text();
    }

    @Test
    void promptTextIsWhatPeopleAndToolsWroteNotIdsRolesModelsOrImages() {
        assertThat(prompt("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"system\",\"content\":\"sys\"},{\"role\":\"user\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"look\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:x\"}}]}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"description\":\"d\"}}]}"))
                .isEqualTo("sys\nlook");
        assertThat(prompt("{\"model\":\"claude\",\"system\":[{\"type\":\"text\",\"text\":\"sys\"}],\"messages\":[{\"role\":\"user\","
                + "\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t\",\"content\":\"out\"}]}]}")).isEqualTo("sys\nout");
        assertThat(prompt("{\"model\":\"gpt-4o\",\"instructions\":\"ins\",\"input\":[{\"role\":\"user\",\"content\":\"q\"},"
                + "{\"type\":\"function_call\",\"name\":\"f\",\"arguments\":\"{}\"},{\"type\":\"function_call_output\","
                + "\"call_id\":\"c\",\"output\":\"res\"}]}")).isEqualTo("ins\nq\nres");
        assertThat(prompt("{\"model\":\"m\",\"prompt\":[\"a\",\"b\"]}")).isEqualTo("a\nb");
        assertThat(prompt("{\"model\":\"m\",\"input\":[[1,2,3]]}")).isEmpty();
        assertThat(prompt("not json")).isEmpty();
    }

    @Test
    void answerTextPerProtocol() {
        assertThat(answer("{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"hi\",\"refusal\":null}}]}"))
                .isEqualTo("hi");
        assertThat(answer("{\"output\":[{\"type\":\"message\",\"content\":[{\"type\":\"output_text\",\"text\":\"hi\"}]}],"
                + "\"instructions\":\"echoed\",\"text\":{\"format\":{\"type\":\"text\"}}}")).isEqualTo("hi");
        assertThat(answer("{\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],\"role\":\"assistant\"}")).isEqualTo("hi");
        assertThat(answer("{\"error\":{\"type\":\"x\",\"message\":\"quota\"}}")).isEqualTo("quota");
        assertThat(answer("{\"data\":[{\"embedding\":[0.1]}]}")).isEmpty();
    }

    @Test
    void responsesStreamsAreReadFromTheirDeltasOnly() {
        AnswerPreview p = new AnswerPreview(100, true);
        p.onEvent(new SseEvent(new byte[0], "response.output_text.delta", "{\"type\":\"response.output_text.delta\",\"delta\":\"Hi\"}"));
        p.onEvent(new SseEvent(new byte[0], "response.output_text.done", "{\"type\":\"response.output_text.done\",\"text\":\"Hi\"}"));
        p.onEvent(new SseEvent(new byte[0], "response.completed",
                "{\"response\":{\"output\":[{\"content\":[{\"text\":\"Hi\"}]}]}}"));
        assertThat(p.text()).isEqualTo("Hi");
    }

    @Test
    void textPastTheLimitLosesItsLastWordSoNoPartOfASecretIsKept() {
        PreviewText t = new PreviewText(20);
        t.append("see ", "");
        t.append("ghp_0123456789abcdefghijklmnopqrstuvwxyz", "");
        assertThat(t.full()).isTrue();
        assertThat(t.text()).isEqualTo("see ");
    }

    @Test
    void previewsAreCutWithoutSplittingASurrogatePair() {
        assertThat(PromptLogWriter.cut("ab😀", 3)).isEqualTo("ab");
        assertThat(PromptLogWriter.cut("abc", 3)).isEqualTo("abc");
    }
}
