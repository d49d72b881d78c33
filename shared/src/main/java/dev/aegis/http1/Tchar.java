package dev.aegis.http1;

/**
 * RFC 9110's {@code tchar}, the characters of a token (a method, a header name): letters, digits and
 * {@code !#$%&'*+-.^_`|~}. One definition for what reads a request (the front's head parser) and what
 * writes one (the provider request's header checks).
 */
public final class Tchar {

    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char c : "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private Tchar() {}

    /** Whether {@code c} (a char, or a byte read as 0–255) is a token character. */
    public static boolean is(int c) {
        return c >= 0 && c < TCHAR.length && TCHAR[c];
    }

    /** Whether {@code s} is a token: one or more token characters. */
    public static boolean token(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!is(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
