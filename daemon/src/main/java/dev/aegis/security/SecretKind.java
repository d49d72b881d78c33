package dev.aegis.security;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A kind of secret: the literal prefixes that must appear for it to be there (a cheap prefilter),
 * and the pattern that confirms it, anchored at the prefix. Patterns use possessive quantifiers: no
 * backtracking blow-ups.
 *
 * @param start where the prefix may begin (so {@code task-...} is not an {@code sk-} key)
 */
public record SecretKind(String name, List<String> prefixes, Pattern pattern, Start start) {

    /** Which character right before a prefix keeps it from being one (it is then inside a word). */
    public enum Start {
        /** Nothing: the prefix counts anywhere ({@code -----BEGIN}, {@code aws_secret...=}, GitHub's {@code ghp_}). */
        ANYWHERE,
        /**
         * A letter or digit: {@code task-...} and {@code XAKIA...} are words, but {@code KEY_sk-proj-...} and
         * {@code my-ghp_...} are a name and a secret joined by {@code _} or {@code -}.
         */
        WORD,
        /**
         * A letter, digit, {@code _} or {@code -}: for a kind whose body runs through {@code _} and {@code -}
         * and can fail after reading all of it (a JWT needs its dots): trying it after every {@code -} of
         * {@code eyJ-eyJ-eyJ-...} would make the scan quadratic.
         */
        TOKEN
    }

    public static final String CUSTOM = "custom";

    public SecretKind {
        prefixes = List.copyOf(prefixes);
    }

    public SecretKind(String name, List<String> prefixes, Pattern pattern) {
        this(name, prefixes, pattern, Start.WORD);
    }

    /** A configured pattern: no known prefix, so it is searched for anywhere in the text. */
    public static SecretKind custom(Pattern pattern) {
        return new SecretKind(CUSTOM, List.of(""), pattern, Start.ANYWHERE);
    }

    /** True for a kind searched for anywhere (a configured pattern with no prefix). */
    public boolean anywhere() {
        return prefixes.equals(List.of(""));
    }

    public static final List<SecretKind> BUILT_IN = List.of(
            new SecretKind("aws_access_key_id", List.of("AKIA", "ASIA"), Pattern.compile("(?:AKIA|ASIA)[0-9A-Z]{16}+(?![0-9A-Z])")),
            new SecretKind("aws_secret_access_key", List.of("aws_secret", "AWS_SECRET", "aws-secret", "SecretAccessKey"),
                    Pattern.compile("(?i:aws[_-]?secret[_-]?(?:access[_-]?)?key|SecretAccessKey)[\"']?\\s*+[:=]\\s*+[\"']?"
                            + "[A-Za-z0-9/+]{40}+(?![A-Za-z0-9/+])"), Start.ANYWHERE),
            new SecretKind("github_token", List.of("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
                    // Anywhere: a prefix this particular is a token even glued to a word (xghp_..., from a log line).
                    Pattern.compile("(?:gh[pousr]_[A-Za-z0-9]{36}+|github_pat_[A-Za-z0-9_]{82}+)(?![A-Za-z0-9_])"), Start.ANYWHERE),
            new SecretKind("anthropic_api_key", List.of("sk-ant-"), Pattern.compile("sk-ant-[A-Za-z0-9_-]{32,}+")),
            new SecretKind("openai_api_key", List.of("sk-"),
                    Pattern.compile("sk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{32,}+")),
            new SecretKind("slack_token", List.of("xox"), Pattern.compile("xox[abposr]-[A-Za-z0-9-]{10,}+")),
            new SecretKind("google_api_key", List.of("AIza"), Pattern.compile("AIza[0-9A-Za-z_-]{35}+(?![0-9A-Za-z_-])")),
            new SecretKind("stripe_secret_key", List.of("sk_live_", "rk_live_"),
                    Pattern.compile("(?:sk|rk)_live_[0-9a-zA-Z]{24,}+")),
            new SecretKind("private_key", List.of("-----BEGIN"),
                    // The header, then the key's body (base64, PEM header lines) and END line, so redaction removes it all.
                    Pattern.compile("-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----"
                            + "[A-Za-z0-9+/=\\s:,]*+(?:-(?!----)[A-Za-z0-9+/=\\s:,]*+){0,8}+(?:-----END [A-Z ]{0,32}+-----)?"),
                    Start.ANYWHERE),
            new SecretKind("jwt", List.of("eyJ"),
                    Pattern.compile("eyJ[A-Za-z0-9_-]{10,}+\\.eyJ[A-Za-z0-9_-]{10,}+\\.[A-Za-z0-9_-]{10,}+"), Start.TOKEN));

    /**
     * Aegis's own keys ({@code aegis_<id>_<secret>}). Not in {@link #BUILT_IN}: prompts holding one are
     * not blocked for it, but the prompt log redacts it like any other secret.
     */
    public static final SecretKind AEGIS_KEY =
            new SecretKind("aegis_key", List.of("aegis_"), Pattern.compile("aegis_[a-z2-7]{12}+_[A-Za-z0-9_-]{43}+"));

    /** The kinds given plus Aegis keys. */
    public static List<SecretKind> withAegisKeys(List<SecretKind> kinds) {
        List<SecretKind> out = new java.util.ArrayList<>(kinds);
        out.add(AEGIS_KEY);
        return List.copyOf(out);
    }
}
