package dev.aegis.proxy;

import dev.aegis.json.Json;
import dev.aegis.json.Utf8Json;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.aegis.http.ApiException;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks that a body is one JSON object and reads the top-level fields Aegis needs, in one
 * streaming pass without building a tree (bodies of several MB are normal).
 *
 * <p>What Aegis reads is what the provider gets: a field Aegis reads ({@code model}, {@code stream},
 * {@code stream_options}, an output limit, {@code n}, {@code best_of}, {@code prompt},
 * {@code background}, {@code speed}, {@code service_tier}) may appear only once, as a provider that
 * keeps the last of two values would otherwise see another one; an output limit must be a
 * non-negative integer, or a float with an integral value (then forwarded as that integer); the
 * number of answers asked for ({@code n}, {@code best_of}) a positive integer.
 */
public final class BodyInspector {

    /** Deeper nesting than any real client sends; bounds the parser's stack on hostile input. */
    static final int MAX_NESTING = 512;

    private static final JsonFactory FACTORY = Json.factoryBuilder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING)
                    .maxStringLength(64 * 1024 * 1024)
                    .build())
            .build();

    /** The names clients give their output limit: chat, chat (newer), Responses; Anthropic uses max_tokens. */
    private static final java.util.Set<String> OUTPUT_LIMITS =
            java.util.Set.of("max_tokens", "max_completion_tokens", "max_output_tokens");
    private static final BigDecimal INT_MAX = BigDecimal.valueOf(Integer.MAX_VALUE);

    private BodyInspector() {}

    public static RequestBody inspect(byte[] bytes) {
        return inspect(bytes, StringVisitor.NONE);
    }

    /** Inspects the body and shows every string in it, object keys included, to the visitor, in the same pass. */
    public static RequestBody inspect(byte[] bytes, StringVisitor visitor) {
        if (bytes.length == 0) {
            throw ApiException.invalidRequest("request body is empty; expected a JSON object");
        }
        if (Utf8Json.notUtf8(bytes, 0, bytes.length)) {
            // The parser would read it as UTF-16 or UTF-32, its offsets in characters where Aegis edits bytes.
            throw ApiException.invalidRequest("request body must be JSON in UTF-8");
        }
        String model = null;
        boolean stream = false;
        boolean includeUsage = false;
        RequestBody.Span modelSpan = RequestBody.Span.NONE;
        RequestBody.Span streamOptions = RequestBody.Span.NONE;
        int bodyStart;
        List<RequestBody.OutputLimit> outputLimits = List.of();
        boolean storedContext = false;
        int choices = 1;
        int prompts = 1;
        boolean background = false;
        String serviceTier = null;
        boolean fastMode = false;
        RequestBody.Span thinking = RequestBody.Span.NONE;
        int seen = 0;
        try (JsonParser p = FACTORY.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw ApiException.invalidRequest("request body must be a JSON object");
            }
            bodyStart = (int) p.currentTokenLocation().getByteOffset();
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                visitor.visit(field, p);
                JsonToken value = p.nextToken();
                int once = readOnce(field);
                if ((seen & once) != 0) {
                    throw ApiException.invalidRequest("'" + field + "' appears more than once in the request body");
                }
                seen |= once;
                if ("model".equals(field)) {
                    if (value != JsonToken.VALUE_STRING) {
                        throw ApiException.invalidRequest("'model' must be a string");
                    }
                    int start = (int) p.currentTokenLocation().getByteOffset();
                    model = p.getText();
                    visitor.visit(model, p);
                    modelSpan = new RequestBody.Span(start, (int) p.currentLocation().getByteOffset());
                } else if ("stream".equals(field)) {
                    stream = flag(field, value);
                } else if (OUTPUT_LIMITS.contains(field)) {
                    outputLimits = with(outputLimits, outputLimit(field, value, p));
                } else if ("n".equals(field) || "best_of".equals(field)) {
                    choices = Math.max(choices, answers(field, value, p));
                } else if ("prompt".equals(field) && value == JsonToken.START_ARRAY) {
                    prompts = prompts(p, visitor);
                } else if ("background".equals(field)) {
                    background = flag(field, value);
                } else if ("speed".equals(field)) {
                    String speed = text(field, value, p, visitor);
                    fastMode = speed != null && !speed.equals("standard");
                } else if ("service_tier".equals(field)) {
                    serviceTier = text(field, value, p, visitor);
                } else if ("thinking".equals(field) && value == JsonToken.START_OBJECT) {
                    int start = (int) p.currentTokenLocation().getByteOffset();
                    skipValue(p, visitor);
                    thinking = new RequestBody.Span(start, (int) p.currentLocation().getByteOffset());
                } else if ("stream_options".equals(field)) {
                    // An object, or null (the same as none, but its member is there to replace): any other
                    // value the provider would refuse, and a second member would leave which one counts to it.
                    int start = (int) p.currentTokenLocation().getByteOffset();
                    if (value == JsonToken.START_OBJECT) {
                        includeUsage = readIncludeUsage(p, visitor);
                    } else if (value != JsonToken.VALUE_NULL) {
                        throw ApiException.invalidRequest("'stream_options' must be an object or null");
                    }
                    streamOptions = new RequestBody.Span(start, (int) p.currentLocation().getByteOffset());
                } else {
                    storedContext |= storedContext(field, value);
                    skipValue(p, visitor);
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw ApiException.invalidRequest("request body must be exactly one JSON object");
            }
        } catch (StreamConstraintsException e) {
            throw ApiException.invalidRequest("request body is nested too deeply or holds a value too large");
        } catch (JsonProcessingException e) {
            // Jackson's own message quotes the offending token, which may be a secret: name only where.
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw ApiException.invalidRequest("request body is not valid JSON" + where);
        } catch (IOException e) {
            throw ApiException.invalidRequest("request body is not valid JSON");
        }
        return new RequestBody(
                bytes, model, stream, includeUsage, modelSpan, streamOptions, bodyStart, outputLimits, storedContext,
                (int) Math.min(Integer.MAX_VALUE, (long) choices * prompts), background, fastMode, serviceTier, thinking);
    }

    /** A field read as {@code true}, {@code false} or {@code null} (false); 400 for any other value. */
    private static boolean flag(String field, JsonToken value) {
        if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE && value != JsonToken.VALUE_NULL) {
            throw ApiException.invalidRequest("'" + field + "' must be true or false");
        }
        return value == JsonToken.VALUE_TRUE;
    }

    /** A field read as a string (shown to the visitor) or {@code null}; 400 for any other value. */
    private static String text(String field, JsonToken value, JsonParser p, StringVisitor visitor) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.VALUE_STRING) {
            throw ApiException.invalidRequest("'" + field + "' must be a string");
        }
        String text = p.getText();
        visitor.visit(text, p);
        return text;
    }

    /** A bit for each field Aegis reads (which may appear once), 0 for the others. */
    private static int readOnce(String field) {
        return switch (field) {
            case "model" -> 1;
            case "stream" -> 2;
            case "stream_options" -> 4;
            case "max_tokens" -> 8;
            case "max_completion_tokens" -> 16;
            case "max_output_tokens" -> 32;
            case "n" -> 64;
            case "best_of" -> 128;
            case "background" -> 256;
            case "prompt" -> 512;
            case "service_tier" -> 1024;
            case "speed" -> 2048;
            case "thinking" -> 4096;
            default -> 0;
        };
    }

    /**
     * An output limit: a non-negative integer, or a float with an integral value ({@code 100.0},
     * {@code 1e5}) to forward as that integer; null means no limit. Anything else is refused, or the
     * provider would read a limit Aegis did not.
     */
    private static RequestBody.OutputLimit outputLimit(String field, JsonToken value, JsonParser p) throws IOException {
        boolean isFloat = value == JsonToken.VALUE_NUMBER_FLOAT;
        if (value != JsonToken.VALUE_NULL && value != JsonToken.VALUE_NUMBER_INT && !isFloat) {
            throw ApiException.invalidRequest("'" + field + "' must be a non-negative integer");
        }
        RequestBody.Span span = new RequestBody.Span((int) p.currentTokenLocation().getByteOffset(),
                (int) p.currentLocation().getByteOffset());
        if (value == JsonToken.VALUE_NULL) {
            return new RequestBody.OutputLimit(field, null, span, false);
        }
        if (value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
            int tokens = p.getIntValue();
            if (tokens < 0) {
                throw ApiException.invalidRequest("'" + field + "' must be a non-negative integer, not " + tokens);
            }
            return new RequestBody.OutputLimit(field, tokens, span, false);
        }
        Integer tokens = wholeNumber(p);
        if (tokens == null) {
            throw ApiException.invalidRequest("'" + field + "' must be a non-negative integer");
        }
        return new RequestBody.OutputLimit(field, tokens, span, isFloat);
    }

    /**
     * The current number token when it is a whole number that is not negative ({@code 100},
     * {@code 100.0}, {@code 1e5}) as a provider reads it, one above {@link Integer#MAX_VALUE} read as
     * that; null for a negative number, a fraction, or a number too large to read at all.
     */
    private static Integer wholeNumber(JsonParser p) throws IOException {
        BigDecimal number;
        try {
            number = p.getDecimalValue();
        } catch (NumberFormatException e) {
            return null; // an exponent beyond what any number reads ({"max_tokens": 2e10111111111})
        }
        if (number.signum() < 0 || (number.signum() > 0 && number.stripTrailingZeros().scale() > 0)) {
            return null;
        }
        return number.compareTo(INT_MAX) >= 0 ? Integer.MAX_VALUE : number.intValue();
    }

    /**
     * How many answers a call asks for ({@code n}, {@code best_of}): a positive integer, or a float
     * with an integral value as the provider reads it; null means the provider's default, one. A
     * number above {@link Integer#MAX_VALUE} counts as that (no provider serves it; the estimate
     * and the cap refuse it). Anything else is refused: Aegis would count one answer where the
     * provider generates another number.
     */
    private static int answers(String field, JsonToken value, JsonParser p) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return 1;
        }
        boolean number = value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT;
        Integer answers = number ? wholeNumber(p) : null;
        if (answers == null || answers == 0) {
            throw ApiException.invalidRequest("'" + field + "' must be a positive integer");
        }
        return answers;
    }

    /**
     * The prompts a legacy completion's {@code prompt} array holds, each answered on its own: one for
     * an array of token ids, otherwise one per element (strings, or arrays of token ids). Shows its
     * strings to the visitor like any other value.
     */
    private static int prompts(JsonParser p, StringVisitor visitor) throws IOException {
        int elements = 0;
        boolean tokenIds = true;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw new IOException("unexpected end of input");
            }
            elements++;
            tokenIds &= t == JsonToken.VALUE_NUMBER_INT;
            skipValue(p, visitor);
        }
        return elements == 0 || tokenIds ? 1 : elements;
    }

    private static List<RequestBody.OutputLimit> with(List<RequestBody.OutputLimit> limits, RequestBody.OutputLimit l) {
        List<RequestBody.OutputLimit> out = new ArrayList<>(limits);
        out.add(l);
        return out;
    }

    /**
     * True for a Responses field that makes the provider read input the body does not hold: a
     * previous response, a conversation, a stored prompt ({@code prompt} as a string or array is a
     * legacy completion's own text).
     */
    private static boolean storedContext(String field, JsonToken value) {
        return switch (field) {
            case "previous_response_id" -> value == JsonToken.VALUE_STRING;
            case "conversation" -> value == JsonToken.VALUE_STRING || value == JsonToken.START_OBJECT;
            case "prompt" -> value == JsonToken.START_OBJECT;
            default -> false;
        };
    }

    /** Reads the {@code stream_options} object to its end; true when it sets {@code include_usage: true}. */
    private static boolean readIncludeUsage(JsonParser p, StringVisitor visitor) throws IOException {
        boolean include = false;
        boolean seen = false;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            visitor.visit(name, p);
            JsonToken v = p.nextToken();
            if ("include_usage".equals(name)) {
                if (seen) {
                    // Providers disagree on which of two values counts: one that reads the first would send no usage.
                    throw ApiException.invalidRequest("'stream_options.include_usage' appears more than once in the request body");
                }
                seen = true;
                include = v == JsonToken.VALUE_TRUE;
            }
            skipValue(p, visitor);
        }
        if (t != JsonToken.END_OBJECT) {
            throw new IOException("unexpected end of input");
        }
        return include;
    }

    /** Walks a value token by token ({@code skipChildren} would not validate what it skips), showing its strings. */
    private static void skipValue(JsonParser p, StringVisitor visitor) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_STRING) {
            visitor.visit(p.getText(), p);
            return;
        }
        if (!p.currentToken().isStructStart()) {
            return;
        }
        int depth = 1;
        while (depth > 0) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new IOException("unexpected end of input");
            }
            if (t.isStructStart()) {
                depth++;
            } else if (t.isStructEnd()) {
                depth--;
            } else if (t == JsonToken.VALUE_STRING) {
                visitor.visit(p.getText(), p);
            } else if (t == JsonToken.FIELD_NAME) {
                visitor.visit(p.currentName(), p);
            }
        }
    }
}
