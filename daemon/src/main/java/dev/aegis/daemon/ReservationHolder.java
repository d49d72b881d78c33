package dev.aegis.daemon;

import dev.aegis.home.AegisHome;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The name this daemon's credit reservations carry: the same across its restarts (host and home
 * folder), different for every other daemon sharing the store, so a start releases only the holds
 * this daemon's crash left (docs/TEAM.md).
 */
final class ReservationHolder {

    /** Where Linux keeps the name {@code gethostname(2)} returns. */
    static final Path KERNEL_HOST_NAME = Path.of("/proc/sys/kernel/hostname");

    private ReservationHolder() {}

    static String of(AegisHome home) {
        return of(hostName(KERNEL_HOST_NAME), home.root().toAbsolutePath().toString());
    }

    static String of(String host, String homeFolder) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(homeFolder.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return host.replace("/", "_") + "-" + HexFormat.of().formatHex(digest, 0, 6);
    }

    /**
     * The machine's name, read where the kernel keeps it when it can be. The JDK's
     * {@code InetAddress.getLocalHost()} gives the same name but resolves it first (the resolver's
     * set-up, ≈ 30 ms of a start here; seconds on a laptop whose DNS does not answer), and when it
     * did not resolve this was {@code localhost}, the same on every such machine of a team.
     */
    static String hostName(Path kernelHostName) {
        try {
            String name = Files.readString(kernelHostName).strip();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: ask the JDK
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
