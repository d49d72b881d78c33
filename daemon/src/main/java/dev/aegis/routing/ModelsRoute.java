package dev.aegis.routing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.admission.RouteAdmission;
import dev.aegis.config.AegisConfig;
import dev.aegis.config.ProviderConfig;
import dev.aegis.config.ProviderType;
import dev.aegis.http.Answered;
import dev.aegis.http.ApiException;
import dev.aegis.json.Json;
import dev.aegis.keys.KeyRecord;
import dev.aegis.pricing.Pricing;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * {@code GET /v1/models}: the models the calling key may use, answered by Aegis itself: the
 * config's aliases, then every model of the price table that routes to a provider which serves it
 * and can be called (its key is set, or it is an OpenAI-compatible server that needs none), and the
 * config's priced local models. A key limited with {@code --models} sees only those. The answer is
 * OpenAI's list, or Anthropic's when the client sends {@code anthropic-version}.
 */
public final class ModelsRoute {

    private static final Map<String, Set<ProviderType>> SERVED_BY = Map.of(
            "openai", Set.of(ProviderType.OPENAI, ProviderType.AZURE),
            "text-completion-openai", Set.of(ProviderType.OPENAI, ProviderType.AZURE),
            "anthropic", Set.of(ProviderType.ANTHROPIC));

    private final Supplier<AegisConfig> config;
    private final RouteAdmission admission;
    private final Pricing pricing;

    public ModelsRoute(Supplier<AegisConfig> config, RouteAdmission admission, Pricing pricing) {
        this.config = config;
        this.admission = admission;
        this.pricing = pricing;
    }

    public void handle(Context ctx) {
        KeyRecord key = admission.admit(ctx::header, ctx::header);
        List<String> models = models(config.get(), key);
        Answered.mark(ctx);
        String body = ctx.header("anthropic-version") != null ? anthropicList(models).toString()
                : openAiList(models).toString();
        ctx.contentType("application/json").result(body);
    }

    /** The model ids this key may use, aliases first, each group sorted. */
    List<String> models(AegisConfig cfg, KeyRecord key) {
        List<String> out = new ArrayList<>(new TreeSet<>(cfg.models().keySet()));
        ModelRouter router = new ModelRouter(cfg);
        Set<String> routed = new TreeSet<>();
        pricing.listing().forEach((model, provider) -> {
            if (!cfg.models().containsKey(model) && servedAsListed(router, model, provider)) {
                routed.add(model);
            }
        });
        out.addAll(routed);
        return out.stream().filter(key::allowsModel).toList();
    }

    private static boolean servedAsListed(ModelRouter router, String model, String listedProvider) {
        ProviderConfig p;
        try {
            p = router.resolve(model).getFirst().provider();
        } catch (ApiException e) {
            return false;
        }
        boolean callable = p.hasKey() || p.type() == ProviderType.OPENAI_COMPATIBLE;
        boolean serves = listedProvider.isEmpty() || listedProvider.equals(p.name())
                || SERVED_BY.getOrDefault(listedProvider, Set.of()).contains(p.type());
        return callable && serves;
    }

    private static ObjectNode openAiList(List<String> models) {
        ObjectNode root = Json.mapper().createObjectNode().put("object", "list");
        ArrayNode data = root.putArray("data");
        for (String m : models) {
            data.addObject().put("id", m).put("object", "model").put("created", 0).put("owned_by", "aegis");
        }
        return root;
    }

    private static ObjectNode anthropicList(List<String> models) {
        ObjectNode root = Json.mapper().createObjectNode();
        ArrayNode data = root.putArray("data");
        for (String m : models) {
            data.addObject().put("type", "model").put("id", m).put("display_name", m)
                    .put("created_at", "1970-01-01T00:00:00Z");
        }
        root.put("has_more", false);
        if (models.isEmpty()) {
            root.putNull("first_id").putNull("last_id");
        } else {
            root.put("first_id", models.getFirst()).put("last_id", models.getLast());
        }
        return root;
    }
}
