package dev.aegis.http;

import dev.aegis.security.SecretShapedIds;
import io.javalin.http.Context;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Keeps a caller's {@code X-Request-Id} when it is sane (and not shaped like a secret: it is recorded as it is,
 * {@link SecretShapedIds}), or makes one, and echoes it on every answer.
 */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    private static final String ATTRIBUTE = "aegis.requestId";
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");

    /**
     * A made id: {@code req_}, 16 hex digits drawn once per daemon, and a counter's 16. Unique within
     * the daemon by the counter and across daemons and restarts by the random half, in the 32 hex
     * digits a random UUID gave, without a {@link SecureRandom} draw (a lock and a digest) per call.
     */
    private static final String PREFIX = "req_" + HexFormat.of().toHexDigits(new SecureRandom().nextLong());
    private static final AtomicLong NEXT = new AtomicLong();

    private RequestIds() {}

    public static void assign(Context ctx) {
        String id = choose(ctx.header(HEADER));
        ctx.attribute(ATTRIBUTE, id);
        ctx.header(HEADER, id);
    }

    /**
     * The shape of the ids Aegis makes. A caller's id of that shape is not kept: the made ids are unique across
     * a team's daemons and restarts, which a usage row or receipt looked up by its id relies on, and one key
     * could otherwise record its calls under the ids of another's (the prefix shows in every answer).
     */
    private static final Pattern MADE = Pattern.compile("req_[0-9a-fA-F]{32}");

    /** The caller's id when it is sane, not secret-shaped and not shaped like a made one, else a made one. */
    public static String choose(String given) {
        return given != null && SAFE.matcher(given).matches() && !MADE.matcher(given).matches()
                && SecretShapedIds.kindIn(given) == null ? given : made();
    }

    static String made() {
        return PREFIX + HexFormat.of().toHexDigits(NEXT.getAndIncrement());
    }

    public static String of(Context ctx) {
        String id = ctx.attribute(ATTRIBUTE);
        return id == null ? "-" : id;
    }
}
