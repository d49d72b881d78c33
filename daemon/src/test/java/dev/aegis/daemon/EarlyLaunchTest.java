package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EarlyLaunchTest {

    @Test
    void startsOwnFlagsBesideTheScriptsInstanceAreReadLikeTheCli() {
        assertThat(EarlyLaunch.readsLikeTheCli(new String[] {"--instance", "early-1", "--port", "0"})).isTrue();
        assertThat(EarlyLaunch.readsLikeTheCli(new String[] {"--instance", "early-1"})).isTrue();
        assertThat(EarlyLaunch.readsLikeTheCli(new String[] {"--instance", "e", "--host", "127.0.0.1", "--config", "/a.yaml"}))
                .isTrue();
    }

    @Test
    void anythingElseIsTheClisToJudge() {
        assertThat(EarlyLaunch.readsLikeTheCli(new String[] {"--instance", "e", "--port=0"})).isFalse();
        assertThat(EarlyLaunch.readsLikeTheCli(new String[] {"--instance", "e", "--port", "0", "--port", "1"})).isFalse();
        assertThat(EarlyLaunch.readsLikeTheCli(new String[] {"--instance", "e", "--wait", "60s"})).isFalse();
        assertThat(EarlyLaunch.readsLikeTheCli(new String[] {"--instance", "e", "--config", "~/a.yaml"})).isFalse();
        assertThat(EarlyLaunch.readsLikeTheCli(new String[] {"--instance", "e", "--port", "-1"})).isFalse();
        assertThat(EarlyLaunch.readsLikeTheCli(new String[] {"--instance", "e", "--port"})).isFalse();
    }
}
