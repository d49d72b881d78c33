package dev.aegis.security;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.aegis.json.Json;
import dev.aegis.json.Utf8Json;
import dev.aegis.proxy.StringVisitor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A body Aegis forwards without reading it (a pass-through call), as the secret scan sees it. What
 * it is comes from its bytes, not its {@code Content-Type} (which the caller chooses): JSON when it
 * is one JSON value or several (JSON lines) in UTF-8, else text when it is UTF-8, else wide text when
 * it is UTF-16 or UTF-32 (by its byte order mark or NUL pattern, {@link Utf8Json}), else binary.
 */
final class OpaqueBody {

    enum Kind { JSON, TEXT, WIDE_TEXT, BINARY }

    private OpaqueBody() {}

    /** What a body is, with its text when it is text (UTF-8, or UTF-16/32 for wide text); null otherwise. */
    record Read(Kind kind, String text) {

        private static final Read BINARY = new Read(Kind.BINARY, null);
        private static final Read JSON = new Read(Kind.JSON, null);
    }

    /** Tells what the body is, decoding it once when it is text. */
    static Read read(byte[] body) {
        if (body.length == 0) {
            return Read.BINARY;
        }
        Charset wide = Utf8Json.wideCharset(body, 0, body.length);
        if (wide != null) {
            return textOrBinary(Kind.WIDE_TEXT, decode(body, wide));
        }
        if (isJson(body)) {
            return Read.JSON;
        }
        return textOrBinary(Kind.TEXT, decode(body, StandardCharsets.UTF_8));
    }

    private static Read textOrBinary(Kind kind, String text) {
        return text == null ? Read.BINARY : new Read(kind, text);
    }

    private static String decode(byte[] body, Charset charset) {
        try {
            return charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Shows every string of a JSON body (checked by {@link #read}), object keys included, to the visitor. */
    static void visitJson(byte[] body, StringVisitor visitor) {
        try (JsonParser p = Json.mapper().getFactory().createParser(body)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.VALUE_STRING) {
                    visitor.visit(p.getText(), p);
                } else if (t == JsonToken.FIELD_NAME) {
                    visitor.visit(p.currentName(), p);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("a body read as JSON once failed to parse again", e);
        }
    }

    private static boolean isJson(byte[] body) {
        try (JsonParser p = Json.mapper().getFactory().createParser(body)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return false;
            }
            while (t != null) {
                t = p.nextToken();
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
