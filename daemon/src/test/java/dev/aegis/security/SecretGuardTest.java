package dev.aegis.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.config.SecretsConfig;
import dev.aegis.config.SecretsMode;
import dev.aegis.http.ApiException;
import dev.aegis.proxy.BodyInspector;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each config's own patterns scan its calls, whichever config the calls before carried. */
class SecretGuardTest {

    private static final byte[] BODY = "the code is ZZTOP123456".getBytes(StandardCharsets.UTF_8);

    @Test
    void aCallUsesTheScannerOfTheConfigItCarries() {
        SecretGuard guard = new SecretGuard();
        SecretsConfig custom = new SecretsConfig(SecretsMode.REDACT, List.of("ZZTOP[0-9]{6}"), List.of(),
                SecretsConfig.DEFAULT.defaultClassification());
        SecretsConfig plain = new SecretsConfig(SecretsMode.REDACT, List.of(), List.of(),
                SecretsConfig.DEFAULT.defaultClassification());

        assertThat(guard.scan(custom, SecretsMode.REDACT).opaque(BODY)).isNotEqualTo(BODY);
        assertThat(guard.scan(plain, SecretsMode.REDACT).opaque(BODY)).isEqualTo(BODY);
        assertThat(guard.scan(custom, SecretsMode.REDACT).opaque(BODY)).isNotEqualTo(BODY);
        SecretsConfig reloaded = new SecretsConfig(SecretsMode.REDACT, List.of(), List.of(),
                SecretsConfig.DEFAULT.defaultClassification());
        assertThat(guard.scan(reloaded, SecretsMode.REDACT).opaque(BODY)).isEqualTo(BODY);
    }

    private static final String AWS_KEY = "AKIAZ7Q3X4W5V6U2T1R9";

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A model call's body scanned in its one inspection pass, then what would be forwarded. */
    private static byte[] modelCall(String json, SecretsMode mode) {
        SecretGuard.Scan scan = new SecretGuard().scan(SecretsConfig.DEFAULT, mode);
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        BodyInspector.inspect(body, scan);
        return scan.result(body);
    }

    private static void assertBlocked(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(403);
            assertThat(e.code()).isEqualTo("secret_detected");
            assertThat(e.getMessage()).contains("aws").doesNotContain(AWS_KEY).doesNotContain("Z7Q3X4W5");
        });
    }

    @Test
    void aSecretBehindEscapesInsideAStringIsRefusedInEveryMode() {
        // A tool call's arguments are JSON in a string: a translation to Messages parses them and sends the key decoded.
        String arguments = "{\\\"k\\\":\\\"\\\\u0041" + AWS_KEY.substring(1) + "\\\"}";
        String call = "{\"model\":\"m\",\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\","
                + "\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"" + arguments + "\"}}]}]}";
        for (SecretsMode mode : new SecretsMode[] {SecretsMode.BLOCK, SecretsMode.REDACT}) {
            assertBlocked(() -> modelCall(call, mode));
            assertBlocked(() -> modelCall("{\"model\":\"m\",\"input\":\"x %41" + AWS_KEY.substring(1) + "\"}", mode));
        }
        // A secret in plain sight is still redacted in place, and escapes that hide none change nothing.
        assertThat(new String(modelCall("{\"input\":\"" + AWS_KEY + " at 100%25 \\\\u0041\"}", SecretsMode.REDACT),
                StandardCharsets.UTF_8)).contains("[REDACTED:").doesNotContain(AWS_KEY);
        String clean = "{\"input\":\"50%25 of \\\\u00e9t\u00e9 %ZZ \\\\u12\"}";
        assertThat(modelCall(clean, SecretsMode.BLOCK)).isEqualTo(clean.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aPassThroughBodyIsScannedInItsTextPartsAndBehindItsEscapes() {
        byte[][] hiding = {
            bytes("input=%41" + AWS_KEY.substring(1) + "&x=1"), // a form
            bytes("my key: \\u0041" + AWS_KEY.substring(1)), // text holding JSON escapes
            bytes("{\"input\":\"\u00e9 " + AWS_KEY + "\"}"), // one byte that is not UTF-8 (Latin-1 é)
            bytes("--b\r\nContent-Type: image/png\r\n\r\n\u0089PNG\u00ff\u00fe\u0000\r\n--b\r\n"
                    + "Content-Disposition: form-data; name=\"prompt\"\r\n\r\nmy key is " + AWS_KEY + "\r\n--b--\r\n"),
        };
        for (byte[] body : hiding) {
            for (SecretsMode mode : new SecretsMode[] {SecretsMode.BLOCK, SecretsMode.REDACT}) {
                assertBlocked(() -> new SecretGuard().scan(SecretsConfig.DEFAULT, mode).opaque(body));
            }
        }
        byte[] image = bytes("\u0089PNG\r\n\u001a\n\u0000\u0000IHDR short text here, no key \u00ff\u00fe%41%42");
        assertThat(new SecretGuard().scan(SecretsConfig.DEFAULT, SecretsMode.BLOCK).opaque(image)).isSameAs(image);
    }
}
