package dev.aegis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.testing.RefusedPort;
import org.junit.jupiter.api.Test;

/** Every way a store URL holds a secret, masked in the URL and in messages about it (found by an outside review). */
class StoreUrlsTest {

    private static final String BASE = "jdbc:postgresql://127.0.0.1:5432/aegis";

    @Test
    void aPasswordParameterIsMaskedToTheNextAmpersandAsTheDriverSplitsThem() {
        assertThat(StoreUrls.redacted(BASE + "?user=aegis&password=LEAK;ME7"))
                .isEqualTo(BASE + "?user=aegis&password=***");
        assertThat(StoreUrls.redacted(BASE + "?password=s3cr%26t&ssl=true&PASSWORD=x"))
                .isEqualTo(BASE + "?password=***&ssl=true&PASSWORD=***");
    }

    @Test
    void everySecretBearingParameterIsMasked() {
        assertThat(StoreUrls.redacted(BASE + "?user=aegis&sslpassword=LEAKME6&password=x&sslfactoryarg=A1&socketFactoryArg=A2"
                + "&connectExecutorArg=A3&sslmode=require"))
                .isEqualTo(BASE + "?user=aegis&sslpassword=***&password=***&sslfactoryarg=***&socketFactoryArg=***"
                        + "&connectExecutorArg=***&sslmode=require");
    }

    @Test
    void aUserInfoPasswordIsMasked() {
        assertThat(StoreUrls.redacted("jdbc:postgresql://aegis:LEAKME5@127.0.0.1:48515/aegis"))
                .isEqualTo("jdbc:postgresql://aegis:***@127.0.0.1:48515/aegis");
        assertThat(StoreUrls.redacted("jdbc:postgresql://aegis:LE@K:ME@127.0.0.1/aegis?user=aegis"))
                .isEqualTo("jdbc:postgresql://aegis:***@127.0.0.1/aegis?user=aegis");
        assertThat(StoreUrls.redacted("jdbc:postgresql://aegis@127.0.0.1/aegis")).isEqualTo("jdbc:postgresql://aegis@127.0.0.1/aegis");
        assertThat(StoreUrls.redacted("jdbc:sqlite:/home/me/.aegis/aegis.db")).isEqualTo("jdbc:sqlite:/home/me/.aegis/aegis.db");
    }

    @Test
    void theSecretsAreMaskedInADriversMessageWhereverTheyStandWrittenOrDecoded() {
        String url = "jdbc:postgresql://aegis:LEAKME5@127.0.0.1:48515/aegis?user=aegis&sslpassword=LEAK%20ME6&password=LEAK;ME7";
        String driver = "The connection attempt failed. UnknownHostException: aegis:LEAKME5@127.0.0.1; key password"
                + " 'LEAK ME6' refused; LEAK;ME7 and LEAK%20ME6 too";

        String shown = StoreUrls.masked(url, driver);

        assertThat(shown).doesNotContain("LEAKME5").doesNotContain("ME6").doesNotContain("ME7")
                .startsWith("The connection attempt failed. UnknownHostException: aegis:***@127.0.0.1;");
        assertThat(StoreUrls.masked(url, "at " + url)).isEqualTo("at " + StoreUrls.redacted(url));
    }

    @Test
    void aUrlInAMessageHasItsSecretsMaskedEvenWithoutTheUrlItCameFrom() {
        assertThat(StoreUrls.masked(null, "not 'jdbc:mysql://u:pw1@db/a?user=a&password=pw2&sslpassword=pw3' here"))
                .isEqualTo("not 'jdbc:mysql://u:***@db/a?user=a&password=***&sslpassword=***' here");
    }

    @Test
    void withPasswordReplacesOnlyThePasswordParameterWholeAndEncodesIt() {
        assertThat(StoreUrls.withPassword(BASE + "?user=aegis&password=old;part&sslpassword=k", "n&w"))
                .isEqualTo(BASE + "?user=aegis&sslpassword=k&password=n%26w");
        assertThat(StoreUrls.withPassword(BASE, "p")).isEqualTo(BASE + "?password=p");
    }

    @Test
    void aStoreThatCannotBeReachedNamesItWithoutItsSecrets() throws Exception {
        try (RefusedPort refused = RefusedPort.open()) {
            String url = "jdbc:postgresql://aegis:LEAKME5@127.0.0.1:" + refused.port()
                    + "/aegis?user=aegis&sslpassword=LEAKME6&password=LEAK;ME7";
            assertThatThrownBy(() -> Database.open(url)).isInstanceOf(StoreException.class)
                    .satisfies(e -> assertThat(e.getMessage()).contains("cannot connect to the database")
                            .doesNotContain("LEAKME5").doesNotContain("LEAKME6").doesNotContain("ME7"));
        }
    }
}
