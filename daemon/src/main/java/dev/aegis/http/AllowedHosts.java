package dev.aegis.http;

import dev.aegis.config.ServerConfig;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The names a request's {@code Host} may carry: the loopback names, the address the daemon is bound
 * to and {@code server.allowed_hosts}, each with any port or none. A page a browser loaded from
 * another name (DNS rebinding: {@code evil.example} answering 127.0.0.1) sends its own name, so it
 * cannot read the daemon's answers. A request without {@code Host} (HTTP/1.0, no browser) passes.
 */
public final class AllowedHosts {

    private static final List<String> LOOPBACK = List.of("127.0.0.1", "localhost", "[::1]");

    private final Set<String> names = new HashSet<>();
    private final boolean any;

    public AllowedHosts(ServerConfig server) {
        LOOPBACK.forEach(names::add);
        names.add(normalized(server.host()));
        server.allowedHosts().forEach(h -> names.add(normalized(h)));
        this.any = server.allowedHosts().contains("*");
    }

    /** True when {@code hostHeader} (the raw header, possibly with a port) names this daemon. */
    public boolean permits(String hostHeader) {
        return any || hostHeader == null || names.contains(nameOf(hostHeader));
    }

    /** The name part of a {@code Host} value, lower-cased: {@code [::1]:8787 -> [::1]}, {@code a:1 -> a}. */
    static String nameOf(String hostHeader) {
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    /** A configured name or address as a {@code Host} header names it (IPv6 literals in brackets). */
    private static String normalized(String configured) {
        String h = configured.trim().toLowerCase(Locale.ROOT);
        return h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : nameOf(h);
    }
}
