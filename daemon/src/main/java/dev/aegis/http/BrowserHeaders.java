package dev.aegis.http;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.PreEncodedHttpField;

/**
 * The headers every answer carries, whoever writes it (a route, an error, a relayed provider answer,
 * a stream, Jetty's own refusals): a browser must not sniff a JSON answer into HTML, leak the URL in
 * a referrer, frame the page, run anything from it, or keep an answer in its cache. Pre-encoded, so
 * adding them costs a call five list appends.
 */
public final class BrowserHeaders {

    /** Nothing may load, run or frame; the home page allows its one stylesheet on top (see {@link HomePage}). */
    public static final String CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private static final HttpField[] FIELDS = {
        new PreEncodedHttpField("X-Content-Type-Options", "nosniff"),
        new PreEncodedHttpField("Referrer-Policy", "no-referrer"),
        new PreEncodedHttpField("Cache-Control", "no-store"),
        new PreEncodedHttpField("X-Frame-Options", "DENY"),
        new PreEncodedHttpField("Content-Security-Policy", CSP),
    };

    /** Their names, lower-cased: a provider's own values for them are not relayed. */
    public static final Set<String> NAMES =
            Stream.of(FIELDS).map(f -> f.getName().toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());

    /** The same as head lines ({@code Name: value\r\n} each), for a server that writes its own heads. */
    public static final byte[] LINES = Stream.of(FIELDS)
            .map(f -> f.getName() + ": " + f.getValue() + "\r\n")
            .collect(Collectors.joining())
            .getBytes(StandardCharsets.ISO_8859_1);

    private BrowserHeaders() {}

    static void addTo(HttpFields.Mutable fields) {
        for (HttpField f : FIELDS) {
            fields.add(f);
        }
    }
}
