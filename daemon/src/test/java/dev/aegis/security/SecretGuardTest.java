package dev.aegis.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.config.SecretsConfig;
import dev.aegis.config.SecretsMode;
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
}
