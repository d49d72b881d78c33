package dev.aegis.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.config.ServerConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AllowedHostsTest {

    private static AllowedHosts hosts(String bound, String... allowed) {
        return new AllowedHosts(new ServerConfig(bound, 8787, 1024, List.of(), List.of(allowed), 1024, Duration.ofSeconds(1), Duration.ZERO,
                Duration.ZERO, true, 0, 0));
    }

    @Test
    void loopbackNamesPassWithAnyPortOrNone() {
        AllowedHosts h = hosts("127.0.0.1");
        for (String ok : List.of("127.0.0.1", "127.0.0.1:8787", "localhost", "LOCALHOST:1", "[::1]", "[::1]:8787")) {
            assertThat(h.permits(ok)).as(ok).isTrue();
        }
        assertThat(h.permits(null)).isTrue();
        for (String bad : List.of("evil.example", "evil.example:8787", "localhost.evil.example", "127.0.0.1.nip.io",
                "127.0.0.2", "[::2]:8787", "", "localhost.")) {
            assertThat(h.permits(bad)).as(bad).isFalse();
        }
    }

    @Test
    void theBoundAddressAndConfiguredNamesPassAndStarTurnsTheCheckOff() {
        assertThat(hosts("192.168.1.20").permits("192.168.1.20:8787")).isTrue();
        assertThat(hosts("::2").permits("[::2]:8787")).isTrue();
        assertThat(hosts("127.0.0.1", "Aegis.Internal").permits("aegis.internal:443")).isTrue();
        assertThat(hosts("127.0.0.1", "aegis.internal").permits("other.internal")).isFalse();
        assertThat(hosts("127.0.0.1", "*").permits("anything.example")).isTrue();
    }
}
