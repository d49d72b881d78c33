package dev.aegis.security;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import dev.aegis.config.SecretsConfig;
import dev.aegis.config.SecretsMode;
import dev.aegis.http.ApiException;
import dev.aegis.proxy.StringVisitor;
import dev.aegis.store.SecretFindings;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Scans every string of a request body — messages, system and developer text, instructions, tool
 * outputs fed back to the model ({@code function_call_output}, {@code tool_result}, chat {@code tool}
 * messages), object keys too — for secrets, before anything leaves the machine, during the body's one
 * inspection pass. {@code block}: 403 {@code secret_detected} naming the kind and the JSON path, never the value.
 * {@code redact}: each secret replaced by {@code [REDACTED:<kind>]}, the rest forwarded; a key that
 * holds one becomes {@code [REDACTED:<kind>]} too, numbered ({@code [REDACTED:<kind>]#2}, ...) when
 * its object already has a key so named, so the object keeps every member. The mode is
 * the key's own when it has one ({@code aegis keygen --secrets}), else {@code security.secrets.mode}.
 */
public final class SecretGuard {

    /**
     * The scan of one body: a visitor for the inspection pass, then {@link #result(byte[])}. It
     * counts every secret by kind, whatever the mode, so a blocked call is recorded as fully as a
     * redacted one.
     */
    public final class Scan implements StringVisitor {
        private final SecretsMode mode;
        private final SecretScanner scanner;
        private final PatternBudget budget = PatternBudget.fresh();
        private final Map<String, Integer> counts = new TreeMap<>();
        private String firstKind;
        private String firstPath;
        /**
         * A secret seen only once escapes were undone ({@link EncodedText}) or in a binary body: there is
         * no place in the bytes to redact it, so the call is refused whatever the mode.
         */
        private boolean hidden;

        private Scan(SecretsConfig config, SecretsMode mode) {
            this.mode = mode;
            this.scanner = scanner(config);
        }

        @Override
        public void visit(String value, JsonParser at) {
            List<SecretScanner.Finding> findings = withEncoded(value, scanner.scan(value, budget));
            if (findings.isEmpty()) {
                return;
            }
            if (firstKind == null) {
                firstKind = findings.getFirst().kind();
                firstPath = where(at);
            }
            for (SecretScanner.Finding f : findings) {
                counts.merge(f.kind(), 1, Integer::sum);
            }
        }

        /**
         * The findings of {@code text} ({@code plain}), or when its escapes undone (or, for a base64 string,
         * the text it holds) show a secret they do not, those of the decoded text, the call then {@link #hidden}.
         */
        private List<SecretScanner.Finding> withEncoded(String text, List<SecretScanner.Finding> plain) {
            String decoded = EncodedText.decoded(text);
            if (decoded == null) {
                return withBase64(text, plain);
            }
            List<SecretScanner.Finding> all = scanner.scan(decoded, budget);
            if (values(decoded, all).equals(values(text, plain))) {
                return plain;
            }
            hidden = true;
            return all;
        }

        /** The findings of {@code text}, and when it is base64 holding text, those of that text too (the call then {@link #hidden}). */
        private List<SecretScanner.Finding> withBase64(String text, List<SecretScanner.Finding> plain) {
            String held = EncodedText.base64Text(text);
            List<SecretScanner.Finding> inside = held == null ? List.of() : scanner.scan(held, budget);
            if (inside.isEmpty()) {
                return plain;
            }
            hidden = true;
            List<SecretScanner.Finding> all = new ArrayList<>(plain);
            all.addAll(inside);
            return all;
        }

        private static Set<String> values(String text, List<SecretScanner.Finding> findings) {
            Set<String> values = new HashSet<>();
            findings.forEach(f -> values.add(text.substring(f.start(), f.end())));
            return values;
        }

        /** The JSON path of the string, or for a key its object's (the key itself is the secret). */
        private static String where(JsonParser at) {
            boolean key = at.currentToken() == JsonToken.FIELD_NAME;
            JsonStreamContext context = key ? at.getParsingContext().getParent() : at.getParsingContext();
            String path = context.pathAsPointer().toString();
            return key ? "a key of " + (path.isEmpty() ? "/" : path) : path.isEmpty() ? "/" : path;
        }

        /**
         * A string of the body, after the pass over it, as Aegis may write it down (a usage row, a log
         * line, a receipt): itself, or with each secret in it redacted, whatever the mode. Null stays null.
         */
        public String recordable(String value) {
            if (value == null || firstKind == null) {
                return value; // a body the pass found no secret in holds none in this string either
            }
            List<SecretScanner.Finding> findings = scanner.scan(value, budget);
            return findings.isEmpty() ? value : SecretScanner.redact(value, findings);
        }

        /**
         * Scans the request's address, its path and its query (escapes undone), before its body: a secret
         * there would reach the provider and the records whatever the body holds, and it has no place to
         * be redacted in, so it is refused with 403 in every mode.
         */
        public void address(String path, String query) {
            for (String part : query == null ? List.of(path) : List.of(path, query)) {
                if (counted(withEncoded(part, scanner.scan(part, budget)))) {
                    throw new ApiException(403, "secret_detected", "the request's path or query holds a secret ("
                            + firstKind + "): Aegis blocked the call so it never leaves this machine. Send it in the "
                            + "body, where it can be redacted, or remove it.");
                }
            }
        }

        /**
         * Scans the headers the request's provider call will carry ({@code name: value} lines), as its
         * address is: a secret there has no place to be redacted in, so it is refused with 403 in every
         * mode. The message names no header: a header's name is the client's own string too.
         */
        public void headers(String forwarded) {
            if (forwarded.isEmpty()) {
                return;
            }
            // An Aegis key under another header's name would reach the provider: one too. Escapes undone too
            // (%41KIA...): a server behind the provider's front may decode them. Both counted (no short circuit).
            if (counted(AEGIS_KEYS.scan(forwarded)) | counted(withEncoded(forwarded, scanner.scan(forwarded, budget)))) {
                throw new ApiException(403, "secret_detected", "a request header holds a secret (" + firstKind
                        + "): Aegis blocked the call so it never leaves this machine. Send it in the body, where it can"
                        + " be redacted, or remove it.");
            }
        }

        /** Kinds and counts of the secrets seen so far (all of them once the pass is over). */
        public SecretFindings findings() {
            return SecretFindings.of(counts);
        }

        /**
         * The body to forward: the same bytes when clean, the redacted body in {@code redact} mode.
         *
         * @throws ApiException 403 {@code secret_detected} in {@code block} mode when there is a secret,
         *     naming its kind and JSON path, never its value
         */
        public byte[] result(byte[] body) {
            if (firstKind == null) {
                return body;
            }
            refuseInBlockMode();
            refuseHidden();
            return redact(body, scanner);
        }

        /**
         * Scans a body Aegis forwards without reading it (a pass-through call) and returns the bytes
         * to forward, as {@link #result} does: JSON (one value, or several as JSON lines) string by
         * string, other UTF-8 text as a whole, UTF-16 or UTF-32 text as a whole (refused when it holds
         * a secret, whatever the mode), a binary body by its runs of ASCII text (refused when one holds a
         * secret, whatever the mode). A secret behind escapes ({@code \\u0041}, {@code %41}) is refused
         * whatever the mode too.
         */
        public byte[] opaque(byte[] body) {
            OpaqueBody.Read read = OpaqueBody.read(body);
            switch (read.kind()) {
                case JSON -> {
                    OpaqueBody.visitJson(body, this);
                    return result(body);
                }
                case TEXT -> {
                    String text = read.text();
                    List<SecretScanner.Finding> findings = scanner.scan(text, budget);
                    if (!counted(withEncoded(text, findings))) {
                        return body;
                    }
                    refuseInBlockMode();
                    refuseHidden();
                    return SecretScanner.redact(text, findings).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                }
                case WIDE_TEXT -> {
                    String text = read.text();
                    if (!counted(withEncoded(text, scanner.scan(text, budget)))) {
                        return body;
                    }
                    refuseInBlockMode();
                    // Redacted text would change the body's encoding under its sender: refused in redact mode too.
                    throw new ApiException(403, "secret_detected", "the body (UTF-16 or UTF-32 text) holds a secret ("
                            + firstKind + "), which Aegis redacts only in UTF-8: it blocked the call so the secret never "
                            + "leaves this machine. Send the body as UTF-8, or remove the secret.");
                }
                default -> {
                    // Binary as a whole (an image, audio, one byte that is not UTF-8): its text parts are scanned.
                    for (String run : EncodedText.printableRuns(body)) {
                        counted(withEncoded(run, scanner.scan(run, budget)));
                    }
                    if (firstKind == null) {
                        return body;
                    }
                    throw hiddenSecret();
                }
            }
        }

        /** Counts the findings of a body scanned as a whole, by kind; false when there are none. */
        private boolean counted(List<SecretScanner.Finding> findings) {
            if (findings.isEmpty()) {
                return false;
            }
            firstKind = firstKind == null ? findings.getFirst().kind() : firstKind;
            findings.forEach(f -> counts.merge(f.kind(), 1, Integer::sum));
            return true;
        }

        /** 403 in any mode: a secret Aegis found but cannot redact in place. */
        private void refuseHidden() {
            if (hidden) {
                throw hiddenSecret();
            }
        }

        private ApiException hiddenSecret() {
            return new ApiException(403, "secret_detected", "the prompt holds a secret (" + firstKind
                    + (firstPath == null ? " in the body" : " at " + firstPath) + ") behind escapes (\\u, %), in base64 or "
                    + "in a body that is not text, where Aegis cannot redact it: it blocked the call so the secret never "
                    + "leaves this machine. Remove it, or add it to security.secrets.allow if it is not a secret.");
        }

        private void refuseInBlockMode() {
            if (mode == SecretsMode.BLOCK) {
                throw new ApiException(403, "secret_detected", "the prompt holds a secret (" + firstKind
                        + (firstPath == null ? " in the body" : " at " + firstPath) + "): Aegis blocked the call so "
                        + "it never leaves this machine. Remove it, or add it to security.secrets.allow if it is not "
                        + "a secret.");
            }
        }
    }

    /**
     * {@code value} (a request's path, say) as Aegis may write it down, whatever the secrets mode: with
     * each secret redacted, or when one shows only with its escapes undone, the decoded text redacted.
     */
    public String recordable(SecretsConfig config, String value) {
        if (value == null) {
            return null;
        }
        SecretScanner scanner = scanner(config);
        List<SecretScanner.Finding> plain = scanner.scan(value);
        if (!plain.isEmpty()) {
            return SecretScanner.redact(value, plain);
        }
        String decoded = EncodedText.decoded(value);
        List<SecretScanner.Finding> hidden = decoded == null ? List.of() : scanner.scan(decoded);
        return hidden.isEmpty() ? value : SecretScanner.redact(decoded, hidden);
    }

    /** Scanners per config (the config can be reloaded; the same one is reused while it stands). */
    private final Map<SecretsConfig, SecretScanner> scanners = new ConcurrentHashMap<>();
    /**
     * The scanner of the config object calls carry until a reload, found without hashing the config
     * (a record's hash of its lists, through method handles, on every call's way: issue 29).
     */
    private volatile LastScanner last;

    private record LastScanner(SecretsConfig config, SecretScanner scanner) {}

    /**
     * A scan for one body, or null when secret scanning is off.
     *
     * @param mode the caller's: its key's own, or else the configured one
     */
    public Scan scan(SecretsConfig config, SecretsMode mode) {
        return mode == SecretsMode.OFF ? null : new Scan(config, mode);
    }

    /** Aegis's own keys, looked for in the headers a call forwards (not in prompts: {@link SecretKind#AEGIS_KEY}). */
    private static final SecretScanner AEGIS_KEYS = new SecretScanner(List.of(SecretKind.AEGIS_KEY), Set.of());

    private SecretScanner scanner(SecretsConfig config) {
        LastScanner last = this.last;
        if (last != null && last.config == config) {
            return last.scanner;
        }
        SecretScanner scanner = scanners.computeIfAbsent(config, c -> scanner(c, SecretKind.BUILT_IN));
        this.last = new LastScanner(config, scanner);
        return scanner;
    }

    /** A scanner for the given kinds plus the config's extra patterns, honouring its allow-list. */
    public static SecretScanner scanner(SecretsConfig config, List<SecretKind> kinds) {
        List<SecretKind> all = new ArrayList<>(kinds);
        for (String regex : config.extraPatterns()) {
            all.add(SecretKind.custom(Pattern.compile(regex)));
        }
        return new SecretScanner(all, new HashSet<>(config.allow()));
    }

    /** The body with each string that holds a secret redacted in place, every other byte as sent. */
    private static byte[] redact(byte[] body, SecretScanner scanner) {
        PatternBudget budget = PatternBudget.fresh();
        return RedactedJson.redact(body, text -> redact(text, scanner, budget));
    }

    /** The text with its secrets redacted, or null when it has none. */
    private static String redact(String text, SecretScanner scanner, PatternBudget budget) {
        List<SecretScanner.Finding> findings = scanner.scan(text, budget);
        return findings.isEmpty() ? null : SecretScanner.redact(text, findings);
    }
}
