package dev.aegis.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.keys.KeyRecord;
import dev.aegis.pricing.ModelPrice;
import dev.aegis.pricing.Pricing;
import dev.aegis.config.PricingConfig;
import dev.aegis.store.CreditBalance;
import dev.aegis.store.CreditLedger;
import dev.aegis.store.Reservation;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Whether a key has credits: read from the ledger without holding up the calls of a key called often. */
class CreditGuardTest {

    private final AtomicLong nanos = new AtomicLong(1);
    private final List<Thread> reads = new ArrayList<>();
    private final List<Runnable> refreshes = new ArrayList<>();
    private volatile boolean hasAccount;

    private final CreditLedger ledger = new CreditLedger() {
        @Override
        public CreditBalance add(String keyId, BigDecimal usd) {
            throw new UnsupportedOperationException();
        }

        @Override
        public synchronized Optional<CreditBalance> balance(String keyId) {
            reads.add(Thread.currentThread());
            return hasAccount ? Optional.of(new CreditBalance(keyId, BigDecimal.ONE, BigDecimal.ZERO)) : Optional.empty();
        }

        @Override
        public Optional<Reservation> reserve(String keyId, long estimateNanos) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long settle(Reservation reservation, long costNanos) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int releaseAll() {
            return 0;
        }

        @Override
        public Reservation shrink(Reservation reservation, long amountNanos) {
            return reservation;
        }

        @Override
        public int renew() {
            return 0;
        }

        @Override
        public int releaseAbandoned(java.time.Duration unrenewedFor) {
            return 0;
        }
    };

    private final KeyRecord key = new KeyRecord("k1", "test", "default", "sha", false, List.of(), null, null,
            Instant.EPOCH, null, null, null, null, null);

    @Test
    void theOutputOfEveryAnswerACallAsksForIsReserved() throws Exception {
        ModelPrice price = Pricing.from(PricingConfig.DEFAULT).price("gpt-4o-mini").orElseThrow();
        long one = CreditGuard.estimateNanos(price, new CreditGuard.CallSize(400, 0, 1000, 1, null));
        long moreOutput = CreditGuard.estimateNanos(price, new CreditGuard.CallSize(400, 0, 2000, 1, null));
        long eight = CreditGuard.estimateNanos(price, new CreditGuard.CallSize(400, 0, 1000, 8, null));
        long per1000Output = moreOutput - one;
        assertThat(per1000Output).isPositive();
        // n = 8 with max_tokens 1000 may produce 8,000 output tokens: seven more answers' worth.
        assertThat(eight - one).isBetween(7 * per1000Output - 8, 7 * per1000Output + 8);
    }

    @Test
    void anAudioModelsOutputIsReservedAtItsAudioPrice() throws Exception {
        // gpt-audio: text output 10 per M, audio 64; 100 bytes of body are 25 input tokens at 2.5.
        ModelPrice price = Pricing.from(PricingConfig.DEFAULT).price("gpt-audio").orElseThrow();
        assertThat(CreditGuard.estimateNanos(price, new CreditGuard.CallSize(100, 0, 1000, 1, null)))
                .isEqualTo(25 * 2500 + 1000 * 64_000);
    }

    @Test
    void aKeyCalledOftenIsReReadOffTheCallingThreadAndNeverServedOlderThanTheExpiry() throws Exception {
        try (CreditGuard guard = new CreditGuard(ledger, Pricing.from(PricingConfig.DEFAULT), nanos::get, null, refreshes::add)) {
            assertThat(guard.hasCredits(key)).isFalse();
            assertThat(reads).as("a first call reads the ledger itself").containsExactly(Thread.currentThread());

            hasAccount = true; // credits given by the CLI
            nanos.addAndGet(CreditGuard.REFRESH.toNanos() + 1);
            assertThat(guard.hasCredits(key)).as("the call goes on with what was read").isFalse();
            assertThat(reads).as("no read of its own").hasSize(1);
            assertThat(refreshes).as("the re-read was handed to the refresh executor").hasSize(1);
            refreshes.getFirst().run();
            assertThat(reads).hasSize(2);
            assertThat(guard.hasCredits(key)).as("the next call sees the credits").isTrue();

            hasAccount = false;
            nanos.addAndGet(CreditGuard.EXPIRE.toNanos() + 1);
            assertThat(guard.hasCredits(key)).as("past the expiry, nothing older is used").isFalse();
            assertThat(reads.getLast()).as("read by the call itself").isSameAs(Thread.currentThread());
        }
    }

    @Test
    void aPromptThatCouldReachADearerTierIsReservedAtThatTier() throws Exception {
        ModelPrice price = Pricing.from(PricingConfig.DEFAULT).price("claude-sonnet-4-5").orElseThrow();
        int bytes = 700_099; // 175k tokens by the estimate's 4 bytes a token, 233k by a tokenizer's 3 (code)
        ModelPrice.Rates low = price.ratesFor(bytes / 4);
        ModelPrice.Rates high = price.ratesFor(bytes);
        assertThat(high.input()).as("the model has a dearer tier past 200k tokens").isGreaterThan(low.input());

        long estimate = CreditGuard.estimateNanos(price, new CreditGuard.CallSize(bytes, 0, 64_000, 1, null));
        BigDecimal atHighTier = high.input().multiply(BigDecimal.valueOf(bytes / 4))
                .add(high.dearestOutput().multiply(BigDecimal.valueOf(64_000)))
                .divide(BigDecimal.valueOf(1_000_000), java.math.MathContext.DECIMAL128);
        assertThat(estimate).isEqualTo(dev.aegis.store.Money.toNanos(atHighTier));
    }

    @Test
    void aCallAskingForMoreOutputThanThePriceTableKnowsIsSentWithTheTablesMost() throws Exception {
        ModelPrice price = Pricing.from(PricingConfig.DEFAULT).price("claude-3-7-sonnet-20250219").orElseThrow();
        assertThat(price.maxOutput()).isNotNull();
        int most = price.maxOutput();
        assertThat(CreditGuard.tableCap(price, new CreditGuard.CallSize(400, 0, 128_000, 1, null))).isEqualTo(most);
        assertThat(CreditGuard.tableCap(price, new CreditGuard.CallSize(400, 0, most, 1, null))).isNull();
        assertThat(CreditGuard.tableCap(price, new CreditGuard.CallSize(400, 0, null, 1, null))).isNull();
    }
}
