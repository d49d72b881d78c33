package dev.aegis.translate;

/**
 * A request field the other protocol cannot carry faithfully: the call is refused (400) rather than
 * sent without it, since an answer to a request that lost it would not be the answer asked for.
 */
public final class Untranslatable extends RuntimeException {

    Untranslatable(String message) {
        super(message, null, false, false);
    }

    /** Refuses when {@code present}; the message names what the other protocol cannot carry. */
    static void refuseIf(boolean present, String message) {
        if (present) {
            throw new Untranslatable(message);
        }
    }
}
