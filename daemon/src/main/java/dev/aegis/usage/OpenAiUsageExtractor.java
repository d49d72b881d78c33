package dev.aegis.usage;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import java.util.function.Function;

/**
 * What the OpenAI extractors share: a whole answer carries its usage in a top-level {@code usage}
 * object, read with the protocol's own field names.
 */
abstract class OpenAiUsageExtractor implements UsageExtractor {

    private static final Set<String> USAGE = Set.of("usage");

    private final Function<JsonNode, TokenUsage> reader;
    protected TokenUsage usage = TokenUsage.NONE;
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
        JsonNode root = JsonUsage.parseMembers(body, USAGE);
        if (root != null && root.path("usage").isObject()) {
            usage = read(root.path("usage"));
        }
        end = root != null;
    }

    @Override
    public final TokenUsage usage() {
        return usage;
    }

    @Override
    public final boolean sawEnd() {
        return end;
    }
}
