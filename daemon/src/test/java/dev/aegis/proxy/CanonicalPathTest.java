package dev.aegis.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.http.ApiException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalPathTest {

    @ParameterizedTest
    @CsvSource({
        "/chat/completions, /chat/completions",
        "/chat/%63ompletions, /chat/completions",
        "/%63%68at/%43OMPLETIONS, /chat/COMPLETIONS",
        "/files/file%20x, /files/file%20x",
        "/files/a%3bb, /files/a%3Bb",
        "/files/%25, /files/%25",
        "/files/%c3%a9, /files/%C3%A9",
        "/models/ft:gpt-4o:org@x, /models/ft:gpt-4o:org@x",
        "/files/a~b-c_d.e, /files/a~b-c_d.e",
        "/files/a\"b, /files/a%22b",
    })
    void decodesThenSpellsEveryPathOneWay(String raw, String canonical) {
        assertThat(CanonicalPath.of(raw)).isEqualTo(canonical);
        assertThat(CanonicalPath.of(canonical)).isEqualTo(canonical);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "chat", "/", "//chat", "/chat//completions", "/chat/completions/", "/./chat", "/chat/..",
        "/chat/%2Fcompletions", "/chat%2fcompletions", "/%2e%2e/x", "/%2E/x", "/x%2Ey", "/chat%5Cx", "/chat\\x",
        "/chat;jsessionid=1", "/chat/%", "/chat/%4", "/chat/%zz", "/chat/%00", "/chat/%0A", "/chat/%7F",
        "/chat/%C3", "/chat/%FF", "/chat/\u00e9", "/chat/a b", "/chat/%\u0663\u0663"})
    void refusesWhatAnotherServerCouldReadDifferently(String raw) {
        assertThatThrownBy(() -> CanonicalPath.of(raw))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo("invalid_request");
                });
    }

    @ParameterizedTest
    @CsvSource({"/v1/responses, /responses", "/v1/models/gpt-4o, /models/gpt-4o", "/%761/responses, /responses"})
    void originPathsUnderTheVersionAreApiPaths(String origin, String apiPath) {
        assertThat(CanonicalPath.belowVersion(origin)).isEqualTo(apiPath);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/chat/completions", "/v1", "/v2/responses", "/v1x/responses", "/dashboard"})
    void originPathsOutsideTheVersionAreNotFound(String origin) {
        assertThatThrownBy(() -> CanonicalPath.belowVersion(origin))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    /** The one-scan check agrees with decoding and encoding on 200,000 random paths made of the characters that matter. */
    @Test
    void aPathTheScanAcceptsIsWhatDecodingAndEncodingMakeOfIt() {
        String alphabet = "/////aZ09.-_~%2Fe;\\ :@!\u00e9\u0663\u0000\u007f";
        Random random = new Random(29);
        int canonical = 0;
        for (int n = 0; n < 200_000; n++) {
            StringBuilder raw = new StringBuilder("/");
            for (int i = random.nextInt(12); i >= 0; i--) {
                raw.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String path = raw.toString();
            String slow;
            try {
                slow = CanonicalPath.canonicalize(path);
            } catch (ApiException e) {
                slow = null;
            }
            if (CanonicalPath.isCanonical(path)) {
                canonical++;
                assertThat(slow).as(path).isEqualTo(path);
            } else if (path.equals(slow)) {
                // the scan may send a canonical path the slow way (never the reverse): only a % can do that
                assertThat(path).as(path).contains("%");
            }
        }
        assertThat(canonical).isGreaterThan(1_000);
    }
}
