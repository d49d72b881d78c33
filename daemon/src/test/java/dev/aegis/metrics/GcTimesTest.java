package dev.aegis.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GcTimesTest {

    @Test
    void eachCollectorsCountAndTimeAreReadFromTheJvmAtEachScrape() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new GcTimes().bindTo(registry);
        System.gc();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            FunctionTimer timer = registry.get("jvm.gc.pause").tag("gc", gc.getName()).functionTimer();
            long before = gc.getCollectionCount();
            assertThat((long) timer.count()).isEqualTo(before);
            assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isEqualTo((double) gc.getCollectionTime());
        }
        double total = registry.get("jvm.gc.pause").functionTimers().stream().mapToDouble(FunctionTimer::count).sum();
        assertThat(total).as("System.gc() ran at least one collection").isGreaterThanOrEqualTo(1);
    }
}
