package dev.aegis.store;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JDBC URLs as shown to people: a password in them is never printed, nor in a message about them.
 *
 * <p>The secrets are what the PostgreSQL driver reads as one: a password in the user-info
 * ({@code //user:PASSWORD@host}), and the value of every parameter whose name holds
 * {@code password} ({@code password}, {@code sslpassword}) or hands an argument to a class the
 * driver makes ({@code sslfactoryarg}, {@code socketFactoryArg}, {@code connectExecutorArg}).
 * The driver splits the parameters on {@code &} only, so a value runs to the next {@code &}
 * ({@code password=a;b} is the password {@code a;b}), and it URL-decodes the value.
 */
public final class StoreUrls {

    private static final String MASK = "***";
    private static final Set<String> ARGUMENTS = Set.of("sslfactoryarg", "socketfactoryarg", "connectexecutorarg");
    /** A user-info password in text: {@code //user:} then up to the {@code @} (no host part has a {@code :} before an {@code @}). */
    private static final Pattern USER_INFO = Pattern.compile("(//[^:/?#@\\s]*:)[^/?#@\\s]*@");
    /** A parameter in text, its value up to the next {@code &} or where the text leaves the URL. */
    private static final Pattern PARAMETER = Pattern.compile("([?&;]([A-Za-z_]+)=)([^&\\s'\"]*)");

    private StoreUrls() {}

    /** The URL with the password in its user-info and every secret parameter's value replaced by {@code ***}. */
    public static String redacted(String url) {
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        String userInfoPassword = userInfoPassword(base);
        if (userInfoPassword != null) {
            int at = authority(base).lastIndexOf('@');
            int start = base.indexOf("//") + 2 + at - userInfoPassword.length();
            base = base.substring(0, start) + MASK + base.substring(start + userInfoPassword.length());
        }
        if (query < 0) {
            return base;
        }
        StringBuilder shown = new StringBuilder(base).append('?');
        String[] parameters = url.substring(query + 1).split("&", -1);
        for (int i = 0; i < parameters.length; i++) {
            String p = parameters[i];
            int eq = p.indexOf('=');
            shown.append(i == 0 ? "" : "&").append(eq >= 0 && secret(p.substring(0, eq)) ? p.substring(0, eq + 1) + MASK : p);
        }
        return shown.toString();
    }

    /**
     * {@code text} (a message about the database at {@code url}, such as a driver's exception) with the
     * URL's secrets masked wherever they occur, as written in the URL and as the driver decodes them,
     * and any URL in it redacted as {@link #redacted} does.
     */
    public static String masked(String url, String text) {
        if (text == null) {
            return null;
        }
        String shown = text;
        if (url != null) {
            for (String secret : secrets(url)) {
                shown = shown.replace(secret, MASK);
            }
        }
        shown = USER_INFO.matcher(shown).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK + "@"));
        return PARAMETER.matcher(shown).replaceAll(m -> Matcher.quoteReplacement(
                secret(m.group(2)) ? m.group(1) + MASK : m.group()));
    }

    /** The URL with a password added as its {@code password} parameter (replacing one it has). */
    public static String withPassword(String url, String password) {
        int query = url.indexOf('?');
        List<String> kept = new ArrayList<>();
        if (query >= 0) {
            for (String p : url.substring(query + 1).split("&")) {
                if (!p.isEmpty() && !p.toLowerCase(Locale.ROOT).startsWith("password=")) {
                    kept.add(p);
                }
            }
        }
        kept.add("password=" + URLEncoder.encode(password, StandardCharsets.UTF_8));
        return (query < 0 ? url : url.substring(0, query)) + "?" + String.join("&", kept);
    }

    /** The secret values in the URL, written and decoded, longest first (so a longer one is masked whole). */
    static List<String> secrets(String url) {
        Set<String> found = new LinkedHashSet<>();
        int query = url.indexOf('?');
        String userInfoPassword = userInfoPassword(query < 0 ? url : url.substring(0, query));
        if (userInfoPassword != null) {
            addWithDecoded(found, userInfoPassword);
        }
        if (query >= 0) {
            for (String p : url.substring(query + 1).split("&")) {
                int eq = p.indexOf('=');
                if (eq >= 0 && secret(p.substring(0, eq))) {
                    addWithDecoded(found, p.substring(eq + 1));
                }
            }
        }
        found.remove("");
        List<String> longestFirst = new ArrayList<>(found);
        longestFirst.sort(Comparator.comparingInt(String::length).reversed());
        return longestFirst;
    }

    private static void addWithDecoded(Set<String> found, String value) {
        found.add(value);
        try {
            found.add(URLDecoder.decode(value, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            // not decodable: the driver refuses the URL, and the value as written is masked
        }
    }

    private static boolean secret(String parameter) {
        String name = parameter.toLowerCase(Locale.ROOT);
        return name.contains("password") || ARGUMENTS.contains(name);
    }

    /** The host part after {@code //}, up to the database's {@code /} (empty when the URL has none). */
    private static String authority(String base) {
        int slashes = base.indexOf("//");
        if (slashes < 0) {
            return "";
        }
        int end = base.indexOf('/', slashes + 2);
        return base.substring(slashes + 2, end < 0 ? base.length() : end);
    }

    /** The password of {@code //user:password@host}, or null. */
    private static String userInfoPassword(String base) {
        String authority = authority(base);
        int at = authority.lastIndexOf('@');
        if (at < 0) {
            return null;
        }
        int colon = authority.indexOf(':');
        return colon >= 0 && colon < at ? authority.substring(colon + 1, at) : null;
    }
}
