package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReservationHolderTest {

    @Test
    void namesTheHostAndTheHomeFolder() {
        String holder = ReservationHolder.of("laptop", "/home/dev/.aegis");
        assertThat(holder).matches("laptop-[0-9a-f]{12}");
        assertThat(ReservationHolder.of("laptop", "/home/dev/.aegis")).isEqualTo(holder);
        assertThat(ReservationHolder.of("laptop", "/home/other/.aegis")).isNotEqualTo(holder);
        assertThat(ReservationHolder.of("desktop", "/home/dev/.aegis")).isNotEqualTo(holder);
        assertThat(ReservationHolder.of("a/b", "/h")).startsWith("a_b-");
    }

    @Test
    void readsTheKernelsHostNameWithoutResolvingIt(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("hostname");
        Files.writeString(file, "name-that-resolves-nowhere\n");
        assertThat(ReservationHolder.hostName(file)).isEqualTo("name-that-resolves-nowhere");
    }

    @Test
    void withoutTheKernelsFileAsksTheJdk(@TempDir Path dir) throws IOException {
        String expected;
        try {
            expected = InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            expected = "localhost";
        }
        assertThat(ReservationHolder.hostName(dir.resolve("missing"))).isEqualTo(expected);
        Files.writeString(dir.resolve("empty"), "\n");
        assertThat(ReservationHolder.hostName(dir.resolve("empty"))).isEqualTo(expected);
    }

    @Test
    void onLinuxTheKernelsNameIsTheOneTheJdkGives() throws IOException {
        assumeTrue(Files.isReadable(ReservationHolder.KERNEL_HOST_NAME), "Linux only");
        String jdk;
        try {
            jdk = InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            jdk = null;
        }
        assumeTrue(jdk != null, "the host name resolves");
        // Same name as the JDK's, so a daemon's reservations keep their holder across the upgrade.
        assertThat(ReservationHolder.hostName(ReservationHolder.KERNEL_HOST_NAME)).isEqualTo(jdk);
    }
}
