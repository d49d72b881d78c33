package dev.aegis.background;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AfterTheAnswerTest {

    private final List<String> started = new ArrayList<>();
    private final Executor holding = AfterTheAnswer.holding(Runnable::run);

    @AfterEach
    void noHoldLeftOnThisThread() {
        AfterTheAnswer.answered();
    }

    private Runnable task(String name) {
        return () -> started.add(name);
    }

    @Test
    void workSetOffOutsideACallStartsAtOnce() {
        holding.execute(task("refresh"));
        assertThat(started).containsExactly("refresh");
    }

    @Test
    void workSetOffDuringACallWaitsForItsAnswerThenLaterWorkStartsAtOnce() {
        AfterTheAnswer.open();
        holding.execute(task("key"));
        holding.execute(task("credits"));
        assertThat(started).isEmpty();
        AfterTheAnswer.answered();
        assertThat(started).containsExactly("key", "credits");
        holding.execute(task("after the first event"));
        AfterTheAnswer.answered();
        assertThat(started).containsExactly("key", "credits", "after the first event");
    }

    @Test
    void aCallThatEndsWithoutAnAnswerStillStartsWhatItHeld() {
        AfterTheAnswer.open();
        holding.execute(task("refresh"));
        AfterTheAnswer.answered();
        assertThat(started).containsExactly("refresh");
        holding.execute(task("next"));
        assertThat(started).containsExactly("refresh", "next");
    }

    @Test
    void aHoldBelongsToTheThreadThatServesTheCall() {
        AfterTheAnswer.open();
        CompletableFuture.runAsync(() -> holding.execute(task("elsewhere")), r -> new Thread(r).start()).join();
        assertThat(started).containsExactly("elsewhere");
    }

    @Test
    void aHeldTaskThatFailsKeepsNeitherTheOthersNorTheCallFromGoingOn() {
        Thread self = Thread.currentThread();
        Thread.UncaughtExceptionHandler before = self.getUncaughtExceptionHandler();
        List<Throwable> reported = new ArrayList<>();
        self.setUncaughtExceptionHandler((t, e) -> reported.add(e));
        try {
            AfterTheAnswer.open();
            AfterTheAnswer.later(() -> {
                throw new IllegalStateException("refresh failed");
            });
            holding.execute(task("credits"));
            AfterTheAnswer.answered();
            assertThat(started).containsExactly("credits");
            assertThat(reported).extracting(Throwable::getMessage).containsExactly("refresh failed");
            holding.execute(task("next"));
            assertThat(started).containsExactly("credits", "next");
        } finally {
            self.setUncaughtExceptionHandler(before);
        }
    }
}
