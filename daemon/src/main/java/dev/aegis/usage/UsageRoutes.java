package dev.aegis.usage;

import dev.aegis.json.JsonMoney;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.admission.RouteAdmission;
import dev.aegis.config.Units;
import dev.aegis.http.ApiException;
import dev.aegis.keys.KeyRecord;
import dev.aegis.store.CreditLedger;
import dev.aegis.store.UsageFilter;
import dev.aegis.store.UsageGroup;
import dev.aegis.store.UsageQueries;
import dev.aegis.store.UsageReport;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;

/**
 * Cost and usage over HTTP: {@code GET /aegis/v1/usage} (the {@code aegis usage} report),
 * {@code GET /api/costs} (cost per key, each with its {@code key_id} and {@code key_name}),
 * {@code GET /api/costs/{keyId}}. A key sees its own calls;
 * an admin key sees everyone's.
 */
public final class UsageRoutes {

    private final RouteAdmission admission;
    private final UsageQueries queries;
    private final CreditLedger credits;

    public UsageRoutes(RouteAdmission admission, UsageQueries queries, CreditLedger credits) {
        this.admission = admission;
        this.queries = queries;
        this.credits = credits;
    }

    public void register(RoutesConfig app) {
        app.get("/aegis/v1/usage", this::usage);
        app.get("/api/costs", this::costs);
        app.get("/api/costs/{keyId}", this::costsOfKey);
    }

    private void usage(Context ctx) {
        KeyRecord caller = admission.admit(ctx::header, ctx::header);
        UsageGroup by = UsageGroup.parse(ctx.queryParamAsClass("by", String.class).getOrDefault("model"))
                .orElseThrow(() -> ApiException.invalidRequest("by must be one of " + UsageGroup.names()));
        UsageFilter filter = filter(ctx);
        if (!caller.admin()) {
            if (filter.keyId() != null && !filter.keyId().equals(caller.id())) {
                throw new ApiException(403, "forbidden", "a key sees only its own usage; admin keys see all");
            }
            filter = filter.withKey(caller.id());
        }
        ctx.contentType("application/json").result(queries.report(filter, by).toJson().toString());
    }

    private void costs(Context ctx) {
        KeyRecord caller = admission.admit(ctx::header, ctx::header);
        UsageFilter filter = caller.admin() ? filter(ctx) : filter(ctx).withKey(caller.id());
        ctx.contentType("application/json").result(queries.report(filter, UsageGroup.KEY).toJson().toString());
    }

    private void costsOfKey(Context ctx) {
        KeyRecord caller = admission.admit(ctx::header, ctx::header);
        String keyId = ctx.pathParam("keyId");
        if (!caller.admin() && !caller.id().equals(keyId)) {
            throw new ApiException(403, "forbidden", "a key sees only its own costs; admin keys see all");
        }
        UsageReport report = queries.report(filter(ctx).withKey(keyId), UsageGroup.KEY);
        ObjectNode body = report.toJson();
        body.put("key_id", keyId).put("key_name", queries.keyName(keyId));
        credits.balance(keyId).ifPresent(b -> JsonMoney.put(JsonMoney.put(body, "balance_usd", b.balanceUsd()),
                "reserved_usd", b.reservedUsd()));
        ctx.contentType("application/json").result(body.toString());
    }

    private static UsageFilter filter(Context ctx) {
        Instant now = Instant.now();
        try {
            String since = ctx.queryParam("since");
            String until = ctx.queryParam("until");
            return new UsageFilter(since == null ? null : Units.instant(since, now, false).toEpochMilli(),
                    until == null ? null : Units.instant(until, now, true).toEpochMilli(), ctx.queryParam("key"),
                    ctx.queryParam("tenant"), ctx.queryParam("run"), ctx.queryParam("model"));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidRequest(e.getMessage());
        }
    }
}
