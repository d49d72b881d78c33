package dev.aegis.reload;

import dev.aegis.config.AegisConfig;
import dev.aegis.config.ConfigError;
import dev.aegis.config.ConfigException;
import dev.aegis.config.ConfigLoader;
import dev.aegis.config.ConfigOverrides;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the config file when it changes: the new version is validated first; a valid one is
 * swapped in atomically (calls in flight keep the config they started with), an invalid one is
 * refused with a log line per error, named by its path, and the old config stays in force.
 */
public final class ConfigWatcher implements AutoCloseable {

    static final Duration POLL = Duration.ofMillis(250);
    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);

    private final Path file;
    private final ConfigLoader loader;
    private final ConfigOverrides overrides;
    private final AtomicReference<AegisConfig> current;
    private final ReloadCounts counts;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "aegis-config-watcher");
        t.setDaemon(true);
        return t;
    });
    private String lastSeen;
    /** A changed fingerprint seen once: applied when the next poll sees it again (the write has settled). */
    private String changing;

    public ConfigWatcher(Path file, ConfigLoader loader, ConfigOverrides overrides, AtomicReference<AegisConfig> current,
            ReloadCounts counts) {
        this(file, loader, overrides, current, counts, true);
    }

    /** @param poll false in tests, which call {@link #check} themselves */
    ConfigWatcher(Path file, ConfigLoader loader, ConfigOverrides overrides, AtomicReference<AegisConfig> current,
            ReloadCounts counts, boolean poll) {
        this.file = file;
        this.counts = counts;
        this.loader = loader;
        this.overrides = overrides;
        this.current = current;
        this.lastSeen = fingerprint();
        if (poll) {
            timer.scheduleWithFixedDelay(this::check, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Modification time and size: cheap, and enough to notice an edit or a replaced file. */
    private String fingerprint() {
        try {
            return Files.getLastModifiedTime(file).toMillis() + ":" + Files.size(file);
        } catch (NoSuchFileException e) {
            return "absent";
        } catch (IOException e) {
            return "unreadable";
        }
    }

    /**
     * Applies the file once a change has settled: the same new fingerprint on two polls in a row. A
     * file caught half-written (an editor or {@code echo >} truncates, then writes) is not applied:
     * an empty file is a valid zero-config, and applying it for one poll sent aliased calls to the
     * default provider under their alias name (seen in ReloadIT).
     */
    synchronized void check() {
        String now = fingerprint();
        if (Objects.equals(now, lastSeen)) {
            changing = null;
            return;
        }
        if (!Objects.equals(now, changing)) {
            changing = now;
            return;
        }
        changing = null;
        lastSeen = now;
        AegisConfig next;
        try {
            next = loader.load(file, false, overrides);
        } catch (ConfigException e) {
            for (ConfigError error : e.errors()) {
                LOG.error("config reload refused, {}: {} (the previous config stays in force)", error.path(), error.message());
            }
            counts.refused();
            return;
        } catch (RuntimeException e) {
            LOG.error("config reload failed: {} (the previous config stays in force)", e.getMessage());
            counts.refused();
            return;
        }
        AegisConfig before = current.getAndSet(next);
        counts.applied();
        LOG.info("config reloaded from {}: {}", file, String.join(", ", changes(before, next)));
    }

    /** What changed, by section; and which changes only take effect on a restart. */
    static List<String> changes(AegisConfig a, AegisConfig b) {
        List<String> out = new ArrayList<>();
        diff(out, "providers", a.providers(), b.providers(), false);
        diff(out, "default_provider", a.defaultProvider(), b.defaultProvider(), false);
        diff(out, "models", a.models(), b.models(), false);
        diff(out, "routes", a.routes().stream().map(r -> r.pattern() + "=" + r.provider()).toList(),
                b.routes().stream().map(r -> r.pattern() + "=" + r.provider()).toList(), false);
        diff(out, "retry", a.retry(), b.retry(), false);
        diff(out, "governance", a.governance(), b.governance(), false);
        diff(out, "server.max_body", a.server().maxBodyBytes(), b.server().maxBodyBytes(), false);
        diff(out, "server.host/port", a.server().host() + ":" + a.server().port(),
                b.server().host() + ":" + b.server().port(), true);
        diff(out, "server.allowed_hosts/max_inflight_body/read_timeout/busy_poll/head_busy_poll/front/platform_threads/max_connections",
                List.of(a.server().allowedHosts(), a.server().maxInflightBody(), a.server().readTimeout(), a.server().busyPoll(),
                        a.server().headBusyPoll(), a.server().front(), a.server().platformThreads(), a.server().maxConnections()),
                List.of(b.server().allowedHosts(), b.server().maxInflightBody(), b.server().readTimeout(), b.server().busyPoll(),
                        b.server().headBusyPoll(), b.server().front(), b.server().platformThreads(), b.server().maxConnections()), true);
        diff(out, "timeouts", a.timeouts(), b.timeouts(), true);
        diff(out, "pricing", a.pricing(), b.pricing(), true);
        diff(out, "audit", a.audit(), b.audit(), true);
        diff(out, "store", a.storeUrl(), b.storeUrl(), true);
        if (out.isEmpty()) {
            out.add("no effective change");
        }
        return out;
    }

    private static void diff(List<String> out, String name, Object a, Object b, boolean needsRestart) {
        if (!Objects.equals(a, b)) {
            out.add(name + (needsRestart ? " changed (takes effect after aegis stop && aegis start)" : " changed"));
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
