package dev.aegis.http;

import io.javalin.http.Context;

/**
 * Marks a request whose answer is already decided (a provider's relayed answer, or an Aegis error),
 * so Javalin's status-based error pages never replace it.
 */
public final class Answered {

    private static final String ATTRIBUTE = "aegis.answered";

    private Answered() {}

    public static void mark(Context ctx) {
        ctx.attribute(ATTRIBUTE, Boolean.TRUE);
    }

    public static boolean is(Context ctx) {
        return Boolean.TRUE.equals(ctx.attribute(ATTRIBUTE));
    }
}
