package dev.aegis.store;

import java.util.regex.Pattern;

/** JDBC URLs as shown to people: a password in them is never printed. */
public final class StoreUrls {

    private static final Pattern PASSWORD = Pattern.compile("(?i)([?&;]password=)[^&;]*");

    private StoreUrls() {}

    /** The URL with any {@code password=} value replaced by {@code ***}. */
    public static String redacted(String url) {
        return PASSWORD.matcher(url).replaceAll("$1***");
    }

    /** The URL with a password added as its {@code password} parameter (replacing one it has). */
    public static String withPassword(String url, String password) {
        String without = url.replaceAll("(?i)([?&;])password=[^&;]*&?", "$1").replaceAll("[?&]$", "");
        String encoded = java.net.URLEncoder.encode(password, java.nio.charset.StandardCharsets.UTF_8);
        return without + (without.contains("?") ? "&" : "?") + "password=" + encoded;
    }
}
