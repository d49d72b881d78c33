package dev.aegis.auth;

import dev.aegis.http.ApiException;
import dev.aegis.ids.Ids;
import dev.aegis.keys.KeyRecord;
import dev.aegis.security.SecretShapedIds;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The tenant and run a call counts against: its key's, which the {@code x-tenant-id} and
 * {@code x-run-id} headers may repeat but not replace.
 *
 * <ul>
 *   <li>Tenant: the key's own. The header may repeat it; a key minted with sub-tenants
 *       ({@code aegis keygen --tenant acme --sub-tenants}) may also name {@code acme/<anything>}.
 *       Any other tenant is 403 {@code tenant_not_allowed}.
 *   <li>Run: a key minted for a run ({@code aegis run}) belongs to that run, and the header may only
 *       repeat it (403 {@code run_not_allowed}); any other key names its runs freely, and its run budgets
 *       are its own (see {@code BudgetTracker}).
 *   <li>Both ids: at most {@link Ids#TENANT_MAX} / {@link Ids#RUN_MAX} characters, none of them a control
 *       character, and not the shape of a secret ({@link SecretShapedIds}: the id is recorded as it is)
 *       (400 {@code invalid_request}). A blank header is no header.
 * </ul>
 */
public record CallerScope(String tenant, String run) {

    public static final String TENANT_HEADER = "x-tenant-id";
    public static final String RUN_HEADER = "x-run-id";

    /** The scope a key's call asks for with these headers (either may be null), or the refusal. */
    public static CallerScope of(KeyRecord key, String tenantHeader, String runHeader) {
        String tenant = headerId(TENANT_HEADER, tenantHeader, Ids.TENANT_MAX);
        String run = headerId(RUN_HEADER, runHeader, Ids.RUN_MAX);
        if (tenant != null && !tenant.equals(key.tenant()) && !isSubTenant(key, tenant)) {
            throw new ApiException(403, "tenant_not_allowed", "this key belongs to tenant '" + key.tenant()
                    + "' and may not tag its calls with another tenant" + (key.subTenants()
                            ? " than '" + key.tenant() + "' or '" + key.tenant() + "/<name>'"
                            : " (a key minted with --sub-tenants may name '" + key.tenant() + "/<name>')"));
        }
        if (run != null && key.runId() != null && !run.equals(key.runId())) {
            throw new ApiException(403, "run_not_allowed",
                    "this key was minted for run '" + key.runId() + "' and may not tag its calls with another run");
        }
        return new CallerScope(tenant != null ? tenant : key.tenant(), run != null ? run : key.runId());
    }

    private static boolean isSubTenant(KeyRecord key, String tenant) {
        String prefix = key.tenant() + "/";
        return key.subTenants() && key.tenant() != null && tenant.length() > prefix.length() && tenant.startsWith(prefix);
    }

    /**
     * A header's value as its client wrote it. HTTP carries a header's bytes, which the server reads one to a
     * char; a client's UTF-8 ({@code x-run-id: 漢}) was recorded as its bytes' Latin-1 letters ({@code æ¼¢}), or
     * refused when one of them is a C1 control. Bytes that are valid UTF-8 are decoded; others stay as they were.
     */
    static String utf8(String value) {
        boolean high = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0xFF) {
                return value; // already decoded
            }
            high |= c >= 0x80;
        }
        if (!high) {
            return value;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value.getBytes(StandardCharsets.ISO_8859_1))).toString();
        } catch (CharacterCodingException e) {
            return value;
        }
    }

    /**
     * A header's id, stripped; null when absent or blank; 400 when too long, holding a control character or
     * shaped like a secret (the message names the kind, never the value).
     */
    static String headerId(String name, String value, int max) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String id = utf8(value.strip());
        String problem = Ids.problem(id, max);
        if (problem != null) {
            throw ApiException.invalidRequest(name + " " + problem);
        }
        String secret = SecretShapedIds.kindIn(id);
        if (secret != null) {
            throw ApiException.invalidRequest(name + " has the shape of a secret (" + secret
                    + "); ids are recorded as they are, so send one that is not a credential");
        }
        return id;
    }
}
