package dev.aegis.config;

import java.util.List;

/**
 * The {@code passthrough} section: which paths beyond the endpoints Aegis reads (chat completions,
 * Responses, completions, embeddings, Messages, token counting) a limited key may reach. Keys with
 * credits, a token budget or a model list (or any key while governance budgets are on) reach only
 * these; keys without limits reach every path.
 *
 * @param allow rules as written: {@code "METHOD path-glob"}, the glob below the API version
 */
public record PassthroughConfig(List<Rule> allow) {

    /** Without the section: listing or reading models, and moderation. */
    public static final PassthroughConfig DEFAULT =
            new PassthroughConfig(List.of(new Rule("GET", "models*"), new Rule("POST", "moderations")));

    /**
     * One rule. The glob is matched against the whole path below the API version, without its
     * leading {@code /} ({@code files/abc} for {@code /v1/files/abc}), in its canonical spelling (as
     * forwarded); {@code *} matches any run of characters, {@code /} included, and every other
     * character only itself: {@code files*} matches {@code files} and {@code files/abc/content},
     * {@code files/*} matches {@code files/abc} but not {@code files}.
     *
     * A {@code HEAD} is its {@code GET} without the body: a {@code GET} rule lets it through.
     *
     * @param method an HTTP method in upper case, or {@code *} for any
     */
    public record Rule(String method, String glob) {

        boolean matches(String requestMethod, String path) {
            return (method.equals("*") || method.equals(requestMethod) || (method.equals("GET") && requestMethod.equals("HEAD")))
                    && Glob.matches(glob, path);
        }
    }

    public PassthroughConfig {
        allow = List.copyOf(allow);
    }

    /**
     * True when a rule lets this call through.
     *
     * @param apiPath the canonical path below the API version, e.g. {@code /files/abc}
     */
    public boolean allows(String method, String apiPath) {
        String path = apiPath.startsWith("/") ? apiPath.substring(1) : apiPath;
        for (Rule rule : allow) {
            if (rule.matches(method, path)) {
                return true;
            }
        }
        return false;
    }

    /** {@code *}-only globs, matched without regular expressions (greedy, with backtracking to the last star). */
    static final class Glob {

        private Glob() {}

        static boolean matches(String glob, String text) {
            int g = 0;
            int t = 0;
            int star = -1;
            int afterStar = 0;
            while (t < text.length()) {
                if (g < glob.length() && glob.charAt(g) == '*') {
                    star = g++;
                    afterStar = t;
                } else if (g < glob.length() && glob.charAt(g) == text.charAt(t)) {
                    g++;
                    t++;
                } else if (star >= 0) {
                    g = star + 1;
                    t = ++afterStar;
                } else {
                    return false;
                }
            }
            while (g < glob.length() && glob.charAt(g) == '*') {
                g++;
            }
            return g == glob.length();
        }
    }
}
