package dev.aegis.routing;

import dev.aegis.config.AegisConfig;
import dev.aegis.config.Classification;
import dev.aegis.config.ModelTarget;
import dev.aegis.config.ProviderConfig;
import dev.aegis.config.RouteRule;
import dev.aegis.http.ApiException;
import java.util.List;

/**
 * Turns the model a client asked for into an ordered list of targets (the first is tried first).
 *
 * <p>Order: a config alias (its fallback chain), a route pattern, a {@code provider/model} name,
 * then the default provider. Patterns come before the {@code provider/} prefix so that model ids
 * with a slash of their own ({@code meta-llama/Llama-3.1-8B}) can be routed by a pattern.
 */
public final class ModelRouter {

    private final AegisConfig config;

    public ModelRouter(AegisConfig config) {
        this.config = config;
    }

    public List<RouteTarget> resolve(String model) {
        named(model);
        List<ModelTarget> chain = config.models().get(model);
        if (chain != null) {
            return chain.stream().map(t -> new RouteTarget(provider(t.provider()), t.model())).toList();
        }
        for (RouteRule rule : config.routes()) {
            if (rule.matches(model)) {
                return List.of(new RouteTarget(provider(rule.provider()), model));
            }
        }
        int slash = model.indexOf('/');
        if (slash > 0) {
            ProviderConfig named = config.providers().get(model.substring(0, slash));
            if (named != null) {
                return List.of(new RouteTarget(named, model.substring(slash + 1)));
            }
            throw ApiException.modelNotFound(model);
        }
        return List.of(defaultTarget(model));
    }

    /**
     * The targets that may receive a call of this classification (a provider with
     * {@code max_classification: internal} never gets a {@code confidential} call); 403
     * {@code classification_denied} when none is left.
     */
    public static List<RouteTarget> allowedFor(List<RouteTarget> targets, Classification classification) {
        List<RouteTarget> allowed = targets.stream()
                .filter(t -> t.provider().maxClassification().compareTo(classification) >= 0)
                .toList();
        if (allowed.isEmpty()) {
            throw new ApiException(403, "classification_denied", "no provider for this model may receive a "
                    + classification.label() + " call (see each provider's max_classification)");
        }
        return allowed;
    }

    /**
     * The classification of a call: the configured default, or the one it declares in
     * {@code x-aegis-classification} when that is higher. A client can only raise it: a lower value is
     * ignored (the operator's default is a floor, or any client could send {@code public} and reach a
     * provider the operator kept from its calls). A value that is not a classification is a 400.
     */
    public static Classification classificationOf(String header, Classification configured) {
        if (header == null || header.isBlank()) {
            return configured;
        }
        Classification declared = Classification.parse(header).orElseThrow(() -> ApiException.invalidRequest(
                "x-aegis-classification must be public, internal, confidential or restricted"));
        return declared.compareTo(configured) > 0 ? declared : configured;
    }

    /** A call sent to an explicit provider prefix: that provider, the model as named. */
    public RouteTarget onProvider(String name, String model) {
        ProviderConfig p = config.providers().get(name);
        if (p == null) {
            throw ApiException.notFound("no provider named '" + name + "' is configured");
        }
        return new RouteTarget(p, model);
    }

    /**
     * The model a model API's call names; 400 when it names none. Every such call names one, on a
     * provider's own route too: a call without one would meet no model list, price or credit.
     */
    public static String named(String model) {
        if (model == null || model.isEmpty()) {
            throw ApiException.invalidRequest("request body has no 'model'");
        }
        return model;
    }

    /** The default provider, for routes that carry no model (pass-through paths). */
    public RouteTarget defaultTarget(String model) {
        return config.defaultProvider()
                .map(name -> new RouteTarget(provider(name), model))
                .orElseThrow(() -> model == null
                        ? ApiException.notFound("no default provider is configured (default_provider: none)")
                        : ApiException.modelNotFound(model));
    }

    private ProviderConfig provider(String name) {
        return config.providers().get(name);
    }
}
