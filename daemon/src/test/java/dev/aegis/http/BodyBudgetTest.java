package dev.aegis.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.config.ServerConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BodyBudgetTest {

    private static BodyBudget budget(long maxBody, long inflight) {
        return new BodyBudget(new ServerConfig("127.0.0.1", 0, maxBody, List.of(), List.of(), inflight, Duration.ofSeconds(30),
                Duration.ZERO, Duration.ZERO, true, 0, 0));
    }

    private static BodyBudget.Claim claim(BodyBudget b, String key) {
        BodyBudget.Claim c = b.newClaim();
        c.ownedBy(key);
        return c;
    }

    /** One key's calls hold at most half the budget: an outside review's one key held all of it, and others got 503. */
    @Test
    void oneKeysCallsHoldAtMostHalfTheBudget() {
        BodyBudget b = budget(100, 1000);
        BodyBudget.Claim first = claim(b, "k1");
        first.growTo(100);
        for (int i = 0; i < 4; i++) {
            claim(b, "k1").growTo(100);
        }
        BodyBudget.Claim sixth = claim(b, "k1");
        assertThatThrownBy(() -> sixth.growTo(1)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.getMessage()).contains("this key's calls hold 500 bytes");
        });
        assertThat(b.held()).as("a refused growth is given back").isEqualTo(500);
        claim(b, "k2").growTo(500); // the other half is the other keys'
        first.release();
        sixth.growTo(100); // k1's first call gave its share back
        assertThat(b.held()).isEqualTo(1000);
    }

    /** A key may always send one body of max_body when the budget holds one. */
    @Test
    void oneMaxBodyAlwaysFitsAKeysShare() {
        BodyBudget b = budget(1000, 1000);
        claim(b, "k1").growTo(1000);
        assertThat(b.held()).isEqualTo(1000);
    }
}
