package dev.aegis.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.config.RateLimitRule;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** GCRA with a fake clock: no sleeps. */
class RateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final RateLimiter limiter = new RateLimiter(now::get);

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void usedIsWhatTheWindowStillHolds() {
        RateLimitRule tenPerMinute = new RateLimitRule(Duration.ofMinutes(1), 10, 0, true);
        RateLimitRule tokens = new RateLimitRule(Duration.ofMinutes(1), 0, 600, true);
        assertThat(limiter.used("k", tenPerMinute)).isZero();
        for (int i = 0; i < 3; i++) {
            limiter.acquire("k", List.of(tenPerMinute, tokens));
        }
        limiter.chargeTokens("k", List.of(tenPerMinute, tokens), 120, 0);
        assertThat(limiter.used("k", tenPerMinute)).isEqualTo(3);
        assertThat(limiter.used("k", tokens)).isEqualTo(120);
        advance(Duration.ofSeconds(6)); // one call's interval, 60 tokens' worth
        assertThat(limiter.used("k", tenPerMinute)).isEqualTo(2);
        assertThat(limiter.used("k", tokens)).isEqualTo(60);
        assertThat(limiter.used("other", tenPerMinute)).isZero();
        advance(Duration.ofMinutes(1));
        assertThat(limiter.used("k", tenPerMinute)).isZero();
    }

    @Test
    void remainingNeverExceedsTheLimitEvenWhenTheWindowDividesUnevenly() {
        // 60 s / 2,147,483,647 = 27.9 ns per call or token: rounded to 27 ns, the quotient said 2,222,222,221.
        long max = Integer.MAX_VALUE;
        RateLimitRule calls = new RateLimitRule(Duration.ofMinutes(1), max, 0, false);
        RateLimitRule tokens = new RateLimitRule(Duration.ofMinutes(1), 0, max, true);
        assertThat(limiter.acquire("k", List.of(calls)).remaining()).isEqualTo(max - 1);
        assertThat(limiter.acquire("t", List.of(tokens)).remaining()).isEqualTo(max);
        assertThat(limiter.acquire("both", List.of(calls, tokens)).remaining()).isEqualTo(max - 1);
    }

    @Test
    void burstOfTheLimitThenOneCallPerInterval() {
        List<RateLimitRule> sixtyPerMinute = List.of(RateLimitRule.requestsPerMinute(60));
        for (int i = 0; i < 60; i++) {
            RateLimiter.Verdict v = limiter.acquire("k", sixtyPerMinute);
            assertThat(v.allowed()).isTrue();
            assertThat(v.remaining()).isEqualTo(59 - i);
        }
        RateLimiter.Verdict refused = limiter.acquire("k", sixtyPerMinute);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterMs()).isEqualTo(1000);
        assertThat(refused.resetMs()).isEqualTo(60_000);

        advance(Duration.ofMillis(999));
        assertThat(limiter.acquire("k", sixtyPerMinute).allowed()).isFalse();
        advance(Duration.ofMillis(1));
        assertThat(limiter.acquire("k", sixtyPerMinute).allowed()).isTrue();
        assertThat(limiter.acquire("k", sixtyPerMinute).allowed()).isFalse();
    }

    @Test
    void sustainedRateNeverExceedsTheLimit() {
        List<RateLimitRule> tenPerSecond = List.of(new RateLimitRule(Duration.ofSeconds(1), 10, 0, true));
        int admitted = 0;
        for (int ms = 0; ms < 10_000; ms++) {
            if (limiter.acquire("k", tenPerSecond).allowed()) {
                admitted++;
            }
            advance(Duration.ofMillis(1));
        }
        // 10 s at 10/s, plus the initial burst of 10.
        assertThat(admitted).isBetween(100, 110);
    }

    @Test
    void aRefusalByOneRuleConsumesNothingFromTheOthers() {
        RateLimitRule loose = new RateLimitRule(Duration.ofMinutes(15), 100, 0, false);
        RateLimitRule tight = new RateLimitRule(Duration.ofMinutes(15), 2, 0, true);
        assertThat(limiter.acquire("k", List.of(loose, tight)).allowed()).isTrue();
        RateLimiter.Verdict second = limiter.acquire("k", List.of(loose, tight));
        assertThat(second.limit()).isEqualTo(2);
        assertThat(second.remaining()).isZero();
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.acquire("k", List.of(loose, tight)).allowed()).isFalse();
        }
        assertThat(limiter.acquire("k", List.of(loose)).remaining()).isEqualTo(97);
    }

    @Test
    void keysAreIndependentAndNoRuleMeansNoVerdict() {
        List<RateLimitRule> one = List.of(RateLimitRule.requestsPerMinute(1));
        assertThat(limiter.acquire("a", one).allowed()).isTrue();
        assertThat(limiter.acquire("a", one).allowed()).isFalse();
        assertThat(limiter.acquire("b", one).allowed()).isTrue();
        assertThat(limiter.acquire("a", List.of())).isNull();
    }

    @Test
    void tokenRulesCheckBeforeAndChargeAfter() {
        List<RateLimitRule> thirtyTokensPerMinute = List.of(RateLimitRule.tokensPerMinute(30));
        assertThat(limiter.acquire("k", thirtyTokensPerMinute).allowed()).isTrue();
        limiter.chargeTokens("k", thirtyTokensPerMinute, 26, 0);
        RateLimiter.Verdict second = limiter.acquire("k", thirtyTokensPerMinute);
        assertThat(second.allowed()).isTrue();
        assertThat(second.remaining()).isEqualTo(4);
        limiter.chargeTokens("k", thirtyTokensPerMinute, 26, 0);

        RateLimiter.Verdict third = limiter.acquire("k", thirtyTokensPerMinute);
        assertThat(third.allowed()).isFalse();
        assertThat(third.retryAfterMs()).isEqualTo(44_000); // 52 tokens at 2 s each, less the 60 s window
        advance(Duration.ofSeconds(44));
        assertThat(limiter.acquire("k", thirtyTokensPerMinute).allowed()).isTrue();
    }

    @Test
    void callsStartedTogetherEachSeeTheOthersHeldTokens() {
        List<RateLimitRule> thirtyTokensPerMinute = List.of(RateLimitRule.tokensPerMinute(30));
        assertThat(limiter.holdTokens("k", thirtyTokensPerMinute, 20).allowed()).isTrue();
        // Admitted beside the first: the key is not over yet (20 of 30); its own estimate takes it over.
        assertThat(limiter.holdTokens("k", thirtyTokensPerMinute, 20).allowed()).isTrue();
        RateLimiter.Verdict third = limiter.holdTokens("k", thirtyTokensPerMinute, 20);
        assertThat(third.allowed()).as("40 tokens held of 30: over until the calls end").isFalse();
        assertThat(third.held()).as("held, not spent: retry once they end").isTrue();
        assertThat(third.retryAfterMs()).isEqualTo(RateLimiter.HELD_RETRY_MS);
        assertThat(limiter.used("k", thirtyTokensPerMinute.getFirst())).isEqualTo(40);

        // Both end having used 5 each: what they held and did not use is given back.
        limiter.chargeTokens("k", thirtyTokensPerMinute, 5, 20);
        limiter.chargeTokens("k", thirtyTokensPerMinute, 5, 20);
        assertThat(limiter.used("k", thirtyTokensPerMinute.getFirst())).isEqualTo(10);
        assertThat(limiter.holdTokens("k", thirtyTokensPerMinute, 20).allowed()).isTrue();
    }

    @Test
    void aKeyOverItsTokensWithoutTheHoldsIsRefusedAsSpent() {
        List<RateLimitRule> thirtyTokensPerMinute = List.of(RateLimitRule.tokensPerMinute(30));
        assertThat(limiter.holdTokens("k", thirtyTokensPerMinute, 10).allowed()).isTrue();
        limiter.chargeTokens("k", thirtyTokensPerMinute, 40, 10); // it used 40
        assertThat(limiter.holdTokens("k", thirtyTokensPerMinute, 10).allowed()).isFalse();
        RateLimiter.Verdict spent = limiter.holdTokens("k", thirtyTokensPerMinute, 10);
        assertThat(spent.held()).isFalse();
        assertThat(spent.retryAfterMs()).isEqualTo(20_000); // 40 tokens at 2 s each, less the 60 s window
    }

    @Test
    void givingBackNeverGoesBelowAFullBurst() {
        List<RateLimitRule> thirtyTokensPerMinute = List.of(RateLimitRule.tokensPerMinute(30));
        assertThat(limiter.holdTokens("k", thirtyTokensPerMinute, 30).allowed()).isTrue();
        advance(Duration.ofMinutes(5)); // a long call: its hold drained meanwhile
        limiter.chargeTokens("k", thirtyTokensPerMinute, 10, 30);
        assertThat(limiter.used("k", thirtyTokensPerMinute.getFirst())).isZero();
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.holdTokens("k", thirtyTokensPerMinute, 11).allowed()).isTrue();
        }
        assertThat(limiter.holdTokens("k", thirtyTokensPerMinute, 11).allowed())
                .as("given back to a full burst, not beyond it").isFalse();
    }

    @Test
    void aHugeEstimateSaturatesInsteadOfWrappingAround() {
        List<RateLimitRule> onePerDay = List.of(new RateLimitRule(Duration.ofDays(1), 0, 1, true));
        assertThat(limiter.holdTokens("k", onePerDay, Long.MAX_VALUE / 2).allowed()).isTrue();
        assertThat(limiter.holdTokens("k", onePerDay, Long.MAX_VALUE / 2).allowed())
                .as("held far past the window: refused, not wrapped around to the past").isFalse();
        // It used more than a window's worth too: the key stays over once the hold is given back.
        limiter.chargeTokens("k", onePerDay, Integer.MAX_VALUE, Long.MAX_VALUE / 2);
        assertThat(limiter.acquire("k", onePerDay).allowed()).isFalse();
        assertThat(limiter.used("k", onePerDay.getFirst())).isPositive();
    }

    @Test
    void anAbsurdEstimateNeitherWipesOutWhatTheKeyUsedNorLeavesAHoldBehind() {
        List<RateLimitRule> tenThousandPerMinute = List.of(RateLimitRule.tokensPerMinute(10_000));
        limiter.chargeTokens("k", tenThousandPerMinute, 9_999, 0);
        // n = 64 answers of 2^31 - 1 tokens: held, then refused upstream and given back whole.
        assertThat(limiter.holdTokens("k", tenThousandPerMinute, 64L * Integer.MAX_VALUE).allowed()).isTrue();
        limiter.chargeTokens("k", tenThousandPerMinute, 0, 64L * Integer.MAX_VALUE);
        assertThat(limiter.used("k", tenThousandPerMinute.getFirst())).as("what the key had used").isEqualTo(9_999);
        limiter.chargeTokens("k", tenThousandPerMinute, 10_000, 0);
        RateLimiter.Verdict refused = limiter.acquire("k", tenThousandPerMinute);
        assertThat(refused.allowed()).isFalse();
        assertThat(limiter.holdTokens("k", tenThousandPerMinute, 10).held()).as("spent, not held").isFalse();
    }

    @Test
    void aCallThatUsesExactlyItsEstimateGivesBackItsHold() {
        List<RateLimitRule> thirtyTokensPerMinute = List.of(RateLimitRule.tokensPerMinute(30));
        assertThat(limiter.holdTokens("k", thirtyTokensPerMinute, 40).allowed()).isTrue();
        limiter.chargeTokens("k", thirtyTokensPerMinute, 40, 40);
        RateLimiter.Verdict next = limiter.holdTokens("k", thirtyTokensPerMinute, 1);
        assertThat(next.allowed()).isFalse();
        assertThat(next.held()).as("40 tokens spent, nothing in flight").isFalse();
        assertThat(next.retryAfterMs()).isEqualTo(20_000);
    }
}
