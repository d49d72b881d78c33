package dev.aegis.ui;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.admission.BudgetTracker;
import dev.aegis.admission.KeyRateLimits;
import dev.aegis.config.BudgetPolicy;
import dev.aegis.config.GovernanceConfig;
import dev.aegis.config.RateLimitRule;
import dev.aegis.json.Json;
import dev.aegis.json.JsonMoney;
import dev.aegis.keys.KeyRecord;
import dev.aegis.store.CreditBalance;
import dev.aegis.store.CreditLedger;
import dev.aegis.store.KeyStore;
import dev.aegis.store.ReceiptVerifications;
import dev.aegis.store.SecretCounts;
import dev.aegis.store.UsageCells;
import dev.aegis.store.UsageFilter;
import dev.aegis.store.UsageGroup;
import dev.aegis.store.UsageQueries;
import dev.aegis.store.UsageReport;
import dev.aegis.store.UsageSeries;
import dev.aegis.store.UsageTotals;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The dashboard's numbers, as JSON: each method answers one panel for one viewer, whose filter
 * already holds the key a plain key is limited to. Reports read the daily rollup as
 * {@code aegis usage} does, so the page's totals are that command's. Money is written as
 * everywhere else ({@link JsonMoney}): an exact plain decimal, never an exponent.
 */
public final class DashboardData {

    /** How many groups a breakdown shows (the rest are summed in the total) and a chart stacks. */
    static final int TOP = 10;
    /** Burn rate: the average daily spend over this window. */
    static final Duration BURN_WINDOW = Duration.ofDays(7);
    /** Top runs: at most this much of the period, newest first. */
    static final Duration RUN_WINDOW = Duration.ofDays(7);

    /** Active runs: those with a call counted in this window, newest first. */
    static final Duration ACTIVE_RUN = Duration.ofHours(24);
    /** How many tenants and runs the budget bars show. */
    static final int TOP_BUDGETS = 20;

    /**
     * Where the numbers come from.
     *
     * @param budgets the daemon's live tenant and run budget state, the one admission enforces
     * @param rateLimits the daemon's live per-key rate limiter
     * @param governance the current governance settings (its budget policy)
     * @param verifications the last {@code aegis receipts verify} of each trail
     */
    public record Sources(UsageQueries reports, UsageCells cells, UsageSeries series, SecretCounts secrets, KeyStore keys,
            CreditLedger credits, BudgetTracker budgets, KeyRateLimits rateLimits, Supplier<GovernanceConfig> governance,
            ReceiptVerifications verifications) {}

    private final UsageQueries reports;
    private final UsageCells cells;
    private final UsageSeries series;
    private final SecretCounts secrets;
    private final KeyStore keys;
    private final CreditLedger credits;
    private final BudgetTracker budgets;
    private final KeyRateLimits rateLimits;
    private final Supplier<GovernanceConfig> governance;
    private final InstantSource clock;

    DashboardData(Sources sources, InstantSource clock) {
        this.reports = sources.reports();
        this.cells = sources.cells();
        this.series = sources.series();
        this.secrets = sources.secrets();
        this.keys = sources.keys();
        this.credits = sources.credits();
        this.budgets = sources.budgets();
        this.rateLimits = sources.rateLimits();
        this.governance = sources.governance();
        this.clock = clock;
    }

    /**
     * Totals, and the top groups by model, key (with names), provider, tenant, run and coding-agent session,
     * each with its cache-hit rate.
     */
    ObjectNode summary(UsageFilter filter) {
        ObjectNode root = Json.mapper().createObjectNode();
        Map<String, String> names = names(filter.keyId());
        Map<UsageGroup, UsageReport> breakdowns = cells.reports(filter);
        root.set("total", totals(breakdowns.get(UsageGroup.MODEL).total(), null));
        ObjectNode by = root.putObject("by");
        for (UsageGroup g : List.of(UsageGroup.MODEL, UsageGroup.KEY, UsageGroup.PROVIDER, UsageGroup.TENANT)) {
            by.set(g.label(), groups(breakdowns.get(g), g == UsageGroup.KEY ? names : null));
        }
        UsageFilter recent = recentRuns(filter);
        by.set("run", groups(reports.report(recent, UsageGroup.RUN), null));
        root.put("runs_since", Instant.ofEpochMilli(recent.sinceMillis()).toString());
        // Sessions, like runs, are read from the raw rows: the same recent window.
        by.set("session", groups(reports.report(recent, UsageGroup.SESSION), null, true));
        root.put("sessions_since", Instant.ofEpochMilli(recent.sinceMillis()).toString());
        ObjectNode keyNames = root.putObject("key_names");
        names.forEach(keyNames::put);
        return root;
    }

    /**
     * Runs and sessions are read from the raw rows (the rollup has none), so the top runs and
     * sessions cover at most the last {@link #RUN_WINDOW} of the period.
     */
    private UsageFilter recentRuns(UsageFilter f) {
        long end = f.untilMillis() == null ? clock.millis() : f.untilMillis();
        long since = Math.max(f.sinceMillis() == null ? Long.MIN_VALUE : f.sinceMillis(), end - RUN_WINDOW.toMillis());
        return new UsageFilter(since, f.untilMillis(), f.keyId(), f.tenant(), f.runId(), f.model());
    }

    /** Spend and tokens per bucket, stacked by a group. */
    ObjectNode series(UsageFilter filter, UsageSeries.Bucket bucket, UsageGroup stack) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("bucket", bucket.name().toLowerCase(java.util.Locale.ROOT));
        root.put("by", stack.label());
        Map<String, String> names = stack == UsageGroup.KEY ? names(filter.keyId()) : Map.of();
        ArrayNode points = root.putArray("points");
        // the costliest groups, the others summed as "(other)": a chart by run or key stays readable and small
        for (UsageSeries.Point p : series.series(filter, bucket, stack, TOP)) {
            // keys by name and id: two keys may share a name
            String group = p.group() == null ? "(none)"
                    : names.containsKey(p.group()) ? names.get(p.group()) + " (" + p.group() + ")" : p.group();
            JsonMoney.put(points.addObject()
                    .put("t", Instant.ofEpochMilli(p.startMillis()).toString())
                    .put("group", group)
                    .put("requests", p.requests())
                    .put("input", p.inputTokens())
                    .put("output", p.outputTokens()), "cost_usd", p.costUsd());
        }
        return root;
    }

    /**
     * Credit balances with the burn rate of the last week and when they run out at that rate; whether
     * each key is still active.
     */
    ObjectNode credits(String onlyKey) {
        ObjectNode root = Json.mapper().createObjectNode();
        ArrayNode out = root.putArray("keys");
        Instant now = clock.instant();
        long days = BURN_WINDOW.toDays();
        Map<String, BigDecimal> spent = new HashMap<>();
        UsageFilter window = new UsageFilter(now.minus(BURN_WINDOW).toEpochMilli(), null, onlyKey, null, null, null);
        for (UsageTotals t : reports.report(window, UsageGroup.KEY).groups()) {
            spent.put(t.group(), t.costUsd());
        }
        for (KeyRecord k : visibleKeys(onlyKey)) {
            Optional<CreditBalance> balance = credits.balance(k.id());
            if (balance.isEmpty()) {
                continue;
            }
            BigDecimal perDay = spent.getOrDefault(k.id(), BigDecimal.ZERO).divide(BigDecimal.valueOf(days), 9, RoundingMode.HALF_UP);
            // a revoked or expired key's balance stays in view, marked: nothing more to add to it or revoke
            ObjectNode n = out.addObject().put("key_id", k.id()).put("name", k.name()).put("active", k.active(now));
            JsonMoney.put(n, "balance_usd", balance.get().balanceUsd());
            JsonMoney.put(n, "reserved_usd", balance.get().reservedUsd());
            JsonMoney.put(n, "burn_usd_per_day", perDay);
            if (perDay.signum() > 0 && balance.get().balanceUsd().signum() > 0) {
                n.put("runs_out_in_days", balance.get().balanceUsd().divide(perDay, 1, RoundingMode.DOWN));
            } else {
                n.putNull("runs_out_in_days");
            }
        }
        return root;
    }

    /**
     * Per key: its rate limits and what it has used of them, its token budget and what it has used;
     * then, while governance sets token budgets, the policy and what the daemon has counted against it
     * per tenant (this minute, today) and per active run.
     */
    ObjectNode limits(String onlyKey) {
        GovernanceConfig g = governance.get();
        ObjectNode root = keyLimits(onlyKey, g.enabled() ? g.rateLimits() : List.of());
        BudgetPolicy policy = g.enabled() ? g.policy() : BudgetPolicy.NONE;
        ArrayNode tenantsOut = root.putArray("tenants");
        ArrayNode runsOut = root.putArray("runs");
        if (!policy.any()) {
            root.putNull("policy");
            return root;
        }
        root.putObject("policy").put("per_run", policy.perRun()).put("per_minute", policy.perMinute())
                .put("per_day", policy.perDay()).put("hard_stop", policy.hardStop());
        Optional<KeyRecord> own = onlyKey == null ? Optional.empty() : keys.find(onlyKey);
        if (onlyKey != null && own.isEmpty()) {
            return root;
        }
        if (policy.perMinute() > 0 || policy.perDay() > 0) {
            budgets.tenants().stream()
                    .filter(t -> t.minuteUsed() > 0 || t.dayUsed() > 0)
                    .filter(t -> own.isEmpty() || spends(own.get(), t.tenant()))
                    .sorted(Comparator.comparingLong(BudgetTracker.TenantUse::dayUsed).reversed()
                            .thenComparing(BudgetTracker.TenantUse::tenant))
                    .limit(TOP_BUDGETS)
                    .forEach(t -> tenantsOut.addObject().put("tenant", t.tenant())
                            .put("minute_used", t.minuteUsed()).put("day_used", t.dayUsed()));
        }
        if (policy.perRun() > 0) {
            long since = clock.millis() - ACTIVE_RUN.toMillis();
            Map<String, String> names = names(onlyKey);
            budgets.runs().stream()
                    .filter(r -> r.lastCallMs() >= since)
                    .filter(r -> onlyKey == null || onlyKey.equals(r.keyId()))
                    .sorted(Comparator.comparingLong(BudgetTracker.RunUse::lastCallMs).reversed())
                    .limit(TOP_BUDGETS)
                    .forEach(r -> runsOut.addObject().put("key_id", r.keyId()).put("name", names.get(r.keyId()))
                            .put("run", r.run()).put("used", r.used())
                            .put("last_call", Instant.ofEpochMilli(r.lastCallMs()).toString()));
        }
        return root;
    }

    /**
     * Whether a key's calls spend this tenant's budget: its own tenant, a tenant above it (a
     * sub-tenant's calls count for its parents), or one of its sub-tenants when it may name them.
     */
    static boolean spends(KeyRecord key, String tenant) {
        String own = key.tenant() == null ? "" : key.tenant();
        return tenant.equals(own) || own.startsWith(tenant + "/")
                || (key.subTenants() && !own.isEmpty() && tenant.startsWith(own + "/"));
    }

    /**
     * Per active key: its own {@code rpm} / {@code tpm} against the last minute's rows, its token budget,
     * and its use of governance's rate limits as the live limiter holds it.
     */
    private ObjectNode keyLimits(String onlyKey, List<RateLimitRule> rules) {
        ObjectNode root = Json.mapper().createObjectNode();
        ArrayNode out = root.putArray("keys");
        Instant now = clock.instant();
        Map<String, UsageTotals> lastMinute = new HashMap<>();
        UsageFilter minute = new UsageFilter(now.minusSeconds(60).toEpochMilli(), null, onlyKey, null, null, null);
        for (UsageTotals t : reports.report(minute, UsageGroup.KEY).groups()) {
            lastMinute.put(t.group(), t);
        }
        Map<String, Long> lifetime = new HashMap<>();
        for (UsageTotals t : reports.report(new UsageFilter(null, null, onlyKey, null, null, null), UsageGroup.KEY).groups()) {
            lifetime.put(t.group(), t.input() + t.output());
        }
        for (KeyRecord k : visibleKeys(onlyKey)) {
            // a revoked or expired key's bars would only clutter: its calls are refused whatever they say
            if (!k.active(now) || (k.rpm() == null && k.tpm() == null && k.tokenBudget() == null && rules.isEmpty())) {
                continue;
            }
            boolean governed = !rules.isEmpty();
            UsageTotals used = lastMinute.get(k.id());
            ObjectNode n = out.addObject().put("key_id", k.id()).put("name", k.name());
            if (k.rpm() != null) {
                n.put("rpm", k.rpm()).put("rpm_used", used == null ? 0 : used.requests());
            }
            if (k.tpm() != null) {
                n.put("tpm", k.tpm()).put("tpm_used", used == null ? 0 : used.input() + used.output());
            }
            if (k.tokenBudget() != null) {
                n.put("token_budget", k.tokenBudget()).put("tokens_used", lifetime.getOrDefault(k.id(), 0L));
            }
            if (governed) {
                ArrayNode ruleUse = n.putArray("rate_limits");
                for (RateLimitRule r : rules) {
                    ruleUse.addObject().put("window_seconds", r.window().toSeconds())
                            .put("unit", r.tokens() > 0 ? "tokens" : "requests")
                            .put("limit", r.tokens() > 0 ? r.tokens() : r.requests())
                            .put("used", rateLimits.used(k.id(), r));
                }
            }
        }
        return root;
    }

    /** Secrets found per kind: in refused calls and in redacted ones. */
    ObjectNode secrets(UsageFilter filter) {
        ObjectNode root = Json.mapper().createObjectNode();
        ArrayNode out = root.putArray("kinds");
        for (SecretCounts.Kind k : secrets.byKind(filter)) {
            out.addObject().put("kind", k.kind()).put("blocked", k.blocked()).put("redacted", k.redacted());
        }
        return root;
    }

    /** Keys this viewer may see, active or not. */
    List<KeyRecord> visibleKeys(String onlyKey) {
        return onlyKey == null ? keys.list() : keys.find(onlyKey).map(List::of).orElse(List.of());
    }

    private Map<String, String> names(String onlyKey) {
        Map<String, String> out = new HashMap<>();
        for (KeyRecord k : visibleKeys(onlyKey)) {
            out.put(k.id(), k.name());
        }
        return out;
    }

    private static ArrayNode groups(UsageReport report, Map<String, String> names) {
        return groups(report, names, false);
    }

    /** @param skipNone leave out the calls without a group (those of no session, say) */
    private static ArrayNode groups(UsageReport report, Map<String, String> names, boolean skipNone) {
        ArrayNode out = Json.mapper().createArrayNode();
        report.groups().stream().filter(g -> !skipNone || !g.group().equals(UsageGroup.NO_GROUP)).limit(TOP)
                .forEach(g -> out.add(totals(g, names)));
        return out;
    }

    private static ObjectNode totals(UsageTotals t, Map<String, String> names) {
        ObjectNode n = Json.mapper().createObjectNode()
                .put("group", t.group())
                .put("requests", t.requests())
                .put("input", t.input())
                .put("cached_input", t.cachedInput())
                .put("output", t.output())
                .put("reasoning", t.reasoning());
        JsonMoney.put(n, "cost_usd", t.costUsd()).put("cache_hit_rate", t.cacheHitRate());
        if (names != null && names.containsKey(t.group())) {
            n.put("name", names.get(t.group()));
        }
        return n;
    }
}
