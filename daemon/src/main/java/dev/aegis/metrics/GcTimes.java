package dev.aegis.metrics;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

/**
 * The collectors' counts and pause times ({@code jvm_gc_pause_seconds_count} and {@code _sum}, by
 * {@code gc}), read from the JVM when {@code /metrics} is scraped. Micrometer's {@code JvmGcMetrics}
 * subscribes to the JVM's notification of every collection instead: the JVM's notification thread
 * then builds each one's report (≈ 0.27 ms of CPU per young collection, issue 29) just as the calls
 * the pause held up resume, tens of times a second under load.
 */
final class GcTimes implements MeterBinder {

    @Override
    public void bindTo(MeterRegistry registry) {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            FunctionTimer.builder("jvm.gc.pause", gc, GarbageCollectorMXBean::getCollectionCount,
                            GarbageCollectorMXBean::getCollectionTime, TimeUnit.MILLISECONDS)
                    .tag("gc", gc.getName())
                    .description("collections and the time they stopped the daemon, read at each scrape")
                    .register(registry);
        }
    }
}
