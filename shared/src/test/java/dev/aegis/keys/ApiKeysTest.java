package dev.aegis.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The key's shape, checked by a scan, agrees with the format's regular expression on every text. */
class ApiKeysTest {

    private static final Pattern FORMAT = Pattern.compile("aegis_([a-z2-7]{12})_([A-Za-z0-9_-]{43})");
    private static final Pattern ID = Pattern.compile("[a-z2-7]{12}");

    @Test
    void aMintedKeyParsesToItsIdAndItself() {
        ApiKeys.Minted minted = ApiKeys.mint();
        assertThat(ApiKeys.parse("  " + minted.key() + "\t")).hasValueSatisfying(p -> {
            assertThat(p.id()).isEqualTo(minted.id());
            assertThat(p.key()).isEqualTo(minted.key());
        });
        assertThat(ApiKeys.isId(minted.id())).isTrue();
        assertThat(ApiKeys.matches(minted.key(), minted.sha256())).isTrue();
    }

    @Test
    void eachWayOfMissingTheShapeIsRefused() {
        String key = ApiKeys.mint().key();
        assertThat(ApiKeys.parse(null)).isEmpty();
        assertThat(ApiKeys.parse(key.substring(1))).isEmpty();
        assertThat(ApiKeys.parse(key + "A")).isEmpty();
        assertThat(ApiKeys.parse("Aegis_" + key.substring(6))).isEmpty();
        assertThat(ApiKeys.parse(key.substring(0, 6) + "1" + key.substring(7))).as("1 is not base32").isEmpty();
        assertThat(ApiKeys.parse(key.substring(0, 18) + "-" + key.substring(19))).as("the id's separator").isEmpty();
        assertThat(ApiKeys.parse(key.substring(0, 30) + "=" + key.substring(31))).as("padding").isEmpty();
        assertThat(ApiKeys.parse(key.substring(0, 30) + "\u00e9" + key.substring(31))).isEmpty();
    }

    @Test
    void theScanAgreesWithTheRegularExpression() {
        Random random = new Random(29);
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-=+/. \u00e9\u0000";
        for (int i = 0; i < 200_000; i++) {
            char[] text = ApiKeys.mint().key().toCharArray();
            for (int changes = random.nextInt(3); changes > 0; changes--) {
                text[random.nextInt(text.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
            }
            String s = new String(text);
            assertThat(ApiKeys.parse(s).isPresent()).as(s).isEqualTo(FORMAT.matcher(s.trim()).matches());
            String id = s.substring(6, 18);
            assertThat(ApiKeys.isId(id)).as(id).isEqualTo(ID.matcher(id).matches());
        }
    }
}
