package dev.aegis.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PromptEstimateTest {

    private static long significant(String json) {
        return PromptEstimate.significantBytes(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void whitespaceBetweenValuesCountsForNothingAndInsideStringsForWhatItIs() {
        String tight = "{\"model\":\"m\",\"messages\":[{\"content\":\"hello there\"}]}";
        String padded = "{ \"model\" :\n\t\"m\",\r\n" + " ".repeat(400_000) + "\"messages\": [ {\"content\": \"hello there\"} ] }";
        assertThat(significant(padded)).isEqualTo(significant(tight)).isEqualTo(tight.length());
        // Escaped quotes do not end a string: the spaces after them are the prompt's.
        assertThat(significant("{\"c\":\"a\\\"   b\"}")).isEqualTo("{\"c\":\"a\\\"   b\"}".length());
        assertThat(significant("{\"c\":\"a\\\\\"   }")).isEqualTo("{\"c\":\"a\\\\\"}".length());
        assertThat(PromptEstimate.tokens(padded.getBytes(StandardCharsets.UTF_8), 1_000)).isEqualTo(tight.length() / 4 + 1_000);
    }
}
