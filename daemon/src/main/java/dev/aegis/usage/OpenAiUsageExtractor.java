package dev.aegis.usage;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import java.util.function.Function;

/**
 * What the OpenAI extractors share: a whole answer carries its usage in a top-level {@code usage}
 * object, read with the protocol's own field names, and the tier that served it in {@code service_tier}.
 */
abstract class OpenAiUsageExtractor implements UsageExtractor {

    private static final Set<String> USAGE_AND_TIER = Set.of("usage", "service_tier");

    private final Function<JsonNode, TokenUsage> reader;
    protected TokenUsage usage = TokenUsage.NONE;
    private String serviceTier;
    protected boolean end;

    OpenAiUsageExtractor(Function<JsonNode, TokenUsage> reader) {
        this.reader = reader;
    }

    /** Reads a usage object with this protocol's field names. */
    protected final TokenUsage read(JsonNode usageObject) {
        return reader.apply(usageObject);
    }

    @Override
    public final void onBody(byte[] body) {
        JsonNode root = JsonUsage.parseMembers(body, USAGE_AND_TIER);
        if (root != null && root.path("usage").isObject()) {
            usage = read(root.path("usage"));
        }
        if (root != null) {
            tier(root.path("service_tier"));
        }
        end = root != null;
    }

    @Override
    public final TokenUsage usage() {
        return usage;
    }

    /** Keeps the tier a {@code service_tier} member names, when it is a string. */
    protected final void tier(JsonNode serviceTier) {
        if (serviceTier.isTextual()) {
            this.serviceTier = serviceTier.asText();
        }
    }

    @Override
    public final String serviceTier() {
        return serviceTier;
    }

    @Override
    public final boolean sawEnd() {
        return end;
    }
}
