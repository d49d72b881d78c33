package dev.aegis.store;

/**
 * Which calls a usage report covers; null fields do not filter.
 *
 * @param sinceMillis inclusive lower bound, epoch milliseconds
 * @param untilMillis exclusive upper bound, epoch milliseconds
 */
public record UsageFilter(Long sinceMillis, Long untilMillis, String keyId, String tenant, String runId, String model) {

    public static final UsageFilter ALL = new UsageFilter(null, null, null, null, null, null);

    public UsageFilter withKey(String key) {
        return new UsageFilter(sinceMillis, untilMillis, key, tenant, runId, model);
    }
}
