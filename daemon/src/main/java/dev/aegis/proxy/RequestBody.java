package dev.aegis.proxy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.aegis.json.Json;
import java.io.IOException;
import java.util.List;

/**
 * A request body as the client sent it, plus the few top-level fields Aegis reads.
 *
 * <p>Everything else stays byte for byte: when routing renames the model, Aegis asks a chat stream
 * for its usage chunk, or a budget lowers the output limit, only those bytes are replaced or inserted.
 *
 * @param model the top-level {@code model}, or null when absent
 * @param stream the top-level {@code stream} flag
 * @param includeUsage {@code stream_options.include_usage} as the client sent it
 * @param modelSpan the byte span of the model string (quotes included), or {@link Span#NONE}
 * @param streamOptions the byte span of the {@code stream_options} value, or {@link Span#NONE}
 * @param bodyStart the offset of the opening brace
 * @param outputLimits the client's output limits ({@code max_tokens}, {@code max_completion_tokens},
 *     {@code max_output_tokens}) in the order sent, each at most once
 * @param storedContext the call continues context the provider keeps ({@code previous_response_id},
 *     {@code conversation}, a stored {@code prompt}), input the body does not show
 * @param choices how many answers the provider is asked to generate: the largest of {@code n} and
 *     {@code best_of} (a legacy completion's candidates, generated and billed though one is returned),
 *     1 when neither is sent, times the prompts a legacy completion's {@code prompt} array holds (each
 *     answered on its own). An output limit holds for each answer, so a budget's cap and a credit
 *     estimate count it that many times.
 * @param background {@code background: true} (Responses): the provider answers at once and generates
 *     afterwards, so the answer Aegis relays holds none of the call's usage
 * @param fastMode {@code speed: "fast"} (Anthropic's fast mode: a premium on every token)
 * @param serviceTier the {@code service_tier} asked for ({@code priority}, {@code flex}, ...), or null:
 *     a dearer tier is billed at its own prices, so credit and budget estimates count them
 * @param thinking the byte span of an Anthropic {@code thinking} object, or {@link Span#NONE}
 */
public record RequestBody(
        byte[] bytes,
        String model,
        boolean stream,
        boolean includeUsage,
        Span modelSpan,
        Span streamOptions,
        int bodyStart,
        List<OutputLimit> outputLimits,
        boolean storedContext,
        int choices,
        boolean background,
        boolean fastMode,
        String serviceTier,
        Span thinking) {

    /**
     * Anthropic's least thinking budget: a call capped below it cannot think, and its thinking is turned off
     * rather than the provider refusing it.
     */
    static final int LEAST_THINKING_BUDGET = 1024;

    /** A byte range {@code [start, end)} of the body. */
    public record Span(int start, int end) {
        public static final Span NONE = new Span(-1, -1);

        boolean present() {
            return start >= 0;
        }
    }

    /**
     * A top-level output-limit field as the client sent it.
     *
     * @param tokens its value (a number above {@link Integer#MAX_VALUE} read as that), or null for JSON null
     * @param span the byte span of the value
     * @param normalise the value is written as a float ({@code 100.0}, {@code 1e5}): it goes upstream as
     *     the integer Aegis read
     */
    public record OutputLimit(String field, Integer tokens, Span span, boolean normalise) {}

    /**
     * What to change before forwarding; nulls and false change nothing.
     *
     * @param outputCap no output-limit field may go upstream above this
     * @param outputLimitFields the endpoint's output-limit fields; the first is added with the cap when
     *     the client sent none of them
     * @param capsThinking the body is Anthropic's Messages, whose {@code thinking.budget_tokens} must stay below
     *     {@code max_tokens} (without the interleaved-thinking beta): a cap lowers it too
     */
    public record Changes(String upstreamModel, boolean askForUsage, Integer outputCap, List<String> outputLimitFields,
            boolean capsThinking) {
        public static final Changes NONE = new Changes(null, false, null, null, false);

        public Changes(String upstreamModel, boolean askForUsage, Integer outputCap, List<String> outputLimitFields) {
            this(upstreamModel, askForUsage, outputCap, outputLimitFields, false);
        }
    }

    /** A body Aegis does not look into (pass-through routes). */
    public static RequestBody opaque(byte[] bytes) {
        return new RequestBody(bytes, null, false, false, Span.NONE, Span.NONE, -1, List.of(), false, 1, false, false, null,
                Span.NONE);
    }

    /** The highest output limit the client set in any of these fields, or null when it set none. */
    public Integer maxOutputTokens(List<String> fields) {
        Integer max = null;
        for (OutputLimit l : outputLimits) {
            if (l.tokens() != null && fields.contains(l.field()) && (max == null || l.tokens() > max)) {
                max = l.tokens();
            }
        }
        return max;
    }

    /**
     * The bytes to send upstream, with only the requested changes spliced in ({@link ByteEdits});
     * every other byte is the client's.
     */
    public byte[] forUpstream(Changes changes) {
        ByteEdits edits = new ByteEdits();
        if (changes.upstreamModel() != null && !changes.upstreamModel().equals(model) && modelSpan.present()) {
            edits.replace(modelSpan.start(), modelSpan.end(), JsonStrings.quote(changes.upstreamModel()));
        }
        if (changes.askForUsage() && stream && !includeUsage && bodyStart >= 0) {
            if (streamOptions.present() && bytes[streamOptions.start()] == '{') {
                askForUsage(edits);
            } else if (streamOptions.present()) { // null: the member is replaced, never sent twice
                edits.replace(streamOptions.start(), streamOptions.end(), "{\"include_usage\":true}");
            } else {
                edits.insert(bodyStart + 1, "\"stream_options\":{\"include_usage\":true},");
            }
        }
        Integer cap = changes.outputCap();
        List<String> capFields = changes.outputLimitFields() == null ? List.of() : changes.outputLimitFields();
        boolean limited = false;
        for (OutputLimit l : outputLimits) {
            // Every output-limit field, whichever the provider reads, ends at or below the cap.
            Integer value = cap != null && (l.tokens() == null || l.tokens() > cap) ? cap
                    : l.normalise() ? l.tokens() : null;
            if (value != null) {
                edits.replace(l.span().start(), l.span().end(), String.valueOf(value));
            }
            limited |= capFields.contains(l.field());
        }
        if (cap != null && bodyStart >= 0 && !limited && !capFields.isEmpty()) {
            edits.insert(bodyStart + 1, "\"" + capFields.getFirst() + "\":" + cap + ",");
        }
        if (cap != null && changes.capsThinking() && thinking.present()) {
            capThinking(edits, cap);
        }
        return edits.applyTo(bytes);
    }

    /**
     * Keeps a thinking budget below a capped {@code max_tokens}, as Anthropic requires: a budget at or above the
     * cap becomes the cap less one, and when that is under Anthropic's least budget, thinking is turned off. A
     * budget already below the cap, or a thinking object without one ({@code adaptive}, {@code disabled}), stays.
     */
    private void capThinking(ByteEdits edits, int cap) {
        int offset = thinking.start();
        try (JsonParser p = Json.mapper().getFactory().createParser(bytes, offset, thinking.end() - offset)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                boolean budget = "budget_tokens".equals(p.currentName());
                JsonToken value = p.nextToken();
                if (budget && value.isNumeric() && p.getDecimalValue().compareTo(java.math.BigDecimal.valueOf(cap)) >= 0) {
                    if (cap - 1 < LEAST_THINKING_BUDGET) {
                        edits.replace(thinking.start(), thinking.end(), "{\"type\":\"disabled\"}");
                    } else {
                        edits.replace(offset + (int) p.currentTokenLocation().getByteOffset(),
                                offset + (int) p.currentLocation().getByteOffset(), String.valueOf(cap - 1));
                    }
                    return;
                }
                p.skipChildren();
            }
        } catch (IOException e) {
            throw new IllegalStateException("thinking read once failed to parse again", e);
        }
    }

    /**
     * Sets {@code include_usage} to true inside the client's {@code stream_options} object, in place:
     * each {@code include_usage} value there becomes {@code true}, or when it has none, the member is
     * inserted first. The object's other members and spacing stay as sent.
     */
    private void askForUsage(ByteEdits edits) {
        int offset = streamOptions.start();
        boolean found = false;
        boolean empty = true;
        try (JsonParser p = Json.mapper().getFactory().createParser(bytes, offset, streamOptions.end() - offset)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                empty = false;
                boolean includeUsage = "include_usage".equals(p.currentName());
                p.nextToken();
                int start = offset + (int) p.currentTokenLocation().getByteOffset();
                p.skipChildren();
                p.finishToken(); // a string's text is read only on demand: its end is where the value ends
                if (includeUsage) {
                    found = true;
                    edits.replace(start, offset + (int) p.currentLocation().getByteOffset(), "true");
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("stream_options read once failed to parse again", e);
        }
        if (!found) {
            edits.insert(offset + 1, empty ? "\"include_usage\":true" : "\"include_usage\":true,");
        }
    }
}
