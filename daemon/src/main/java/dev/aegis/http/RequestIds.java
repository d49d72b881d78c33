package dev.aegis.http;

import dev.aegis.security.SecretShapedIds;
import io.javalin.http.Context;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Keeps a caller's {@code X-Request-Id} when it is sane (and not shaped like a secret: it is recorded as it is,
 * {@link SecretShapedIds}), or makes one, and echoes it on every answer.
 */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    private static final String ATTRIBUTE = "aegis.requestId";
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");

    private RequestIds() {}

    public static void assign(Context ctx) {
        String given = ctx.header(HEADER);
        String id = given != null && SAFE.matcher(given).matches() && SecretShapedIds.kindIn(given) == null ? given : "req_" + UUID.randomUUID().toString().replace("-", "");
        ctx.attribute(ATTRIBUTE, id);
        ctx.header(HEADER, id);
    }

    public static String of(Context ctx) {
        String id = ctx.attribute(ATTRIBUTE);
        return id == null ? "-" : id;
    }
}
