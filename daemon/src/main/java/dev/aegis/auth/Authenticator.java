package dev.aegis.auth;

import dev.aegis.http.ApiException;
import dev.aegis.keys.ApiKeys;
import dev.aegis.keys.KeyRecord;
import io.javalin.http.Context;
import java.time.InstantSource;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Finds the caller's Aegis key in any accepted header ({@code Authorization: Bearer},
 * {@code x-api-key}, {@code X-Daemon-Token}) or a JWT from {@code /auth/token}, and checks it.
 * Clients that send two of these at once work: the first candidate that checks out wins.
 * Never echoes what was sent.
 */
public final class Authenticator {

    private final KeyCache keys;
    private final JwtTokens jwt;
    private final InstantSource clock;

    public Authenticator(KeyCache keys, JwtTokens jwt, InstantSource clock) {
        this.keys = keys;
        this.jwt = jwt;
        this.clock = clock;
    }

    /** The caller's key, or 401 {@code invalid_api_key}. */
    public KeyRecord authenticate(Context ctx) {
        return authenticate(ctx::header);
    }

    /**
     * The caller's key, presented in the request's headers ({@code header} gives a header's first
     * value by name, or null), or 401 {@code invalid_api_key}.
     */
    public KeyRecord authenticate(UnaryOperator<String> header) {
        Set<String> candidates = candidates(header);
        if (candidates.isEmpty()) {
            throw unauthorized("no Aegis key: send it as 'Authorization: Bearer <key>' or 'x-api-key: <key>'"
                    + " (mint one with: aegis keygen --name NAME)");
        }
        return firstValid(candidates, candidate -> true).orElseThrow(() ->
                unauthorized("the Aegis key is not valid: unknown, revoked or expired, or a bad or expired token"));
    }

    /** The key of the first presented candidate that {@code considered} takes and that checks out. */
    private Optional<KeyRecord> firstValid(Set<String> candidates, Predicate<String> considered) {
        for (String candidate : candidates) {
            if (considered.test(candidate)) {
                Optional<KeyRecord> key = check(candidate);
                if (key.isPresent()) {
                    return key;
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The caller's key, presented as the key itself, not as a short-lived token from
     * {@code /auth/token}: for what would outlive the token (a dashboard session); or 401.
     */
    public KeyRecord authenticateKey(UnaryOperator<String> header) {
        Set<String> candidates = candidates(header);
        return firstValid(candidates, candidate -> !JwtTokens.looksLikeJwt(candidate)).orElseThrow(() -> unauthorized(
                candidates.stream().anyMatch(JwtTokens::looksLikeJwt)
                ? "a login link needs the Aegis key itself, not a token from /auth/token (its session would outlive the token)"
                : "the Aegis key is not valid: unknown, revoked or expired"));
    }

    /** Checks one presented key or token. */
    public Optional<KeyRecord> check(String presented) {
        if (JwtTokens.looksLikeJwt(presented)) {
            return jwt.verify(presented).flatMap(keys::find).filter(k -> k.active(clock.instant()));
        }
        return ApiKeys.parse(presented)
                .flatMap(p -> keys.find(p.id()).filter(k -> ApiKeys.matches(p.key(), k.secretSha256())))
                .filter(k -> k.active(clock.instant()));
    }

    private static Set<String> candidates(UnaryOperator<String> header) {
        Set<String> out = new LinkedHashSet<>();
        String authorization = header.apply("Authorization");
        if (authorization != null) {
            String a = authorization.trim();
            if (a.length() > 7 && a.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
                add(out, a.substring(7));
            }
        }
        add(out, header.apply("x-api-key"));
        add(out, header.apply("X-Daemon-Token"));
        return out;
    }

    private static void add(Set<String> out, String value) {
        if (value != null && !value.isBlank() && value.length() <= 4096) {
            out.add(value.trim());
        }
    }

    private static ApiException unauthorized(String message) {
        return new ApiException(401, "invalid_api_key", message);
    }

    /** 403 {@code model_not_allowed} when the key is limited to other models. */
    public static void requireModel(KeyRecord key, String model) {
        if (model != null && !key.allowsModel(model)) {
            throw new ApiException(403, "model_not_allowed",
                    "this key may not use model '" + model + "' (allowed: " + String.join(", ", key.models()) + ")");
        }
    }

    /** 403 unless the key is an admin key. */
    public static void requireAdmin(KeyRecord key) {
        if (!key.admin()) {
            throw new ApiException(403, "forbidden", "this route needs an admin key (aegis keygen --admin)");
        }
    }
}
