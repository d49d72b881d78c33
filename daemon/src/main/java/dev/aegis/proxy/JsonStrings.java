package dev.aegis.proxy;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/** Quoting a Java string as a JSON string literal. */
final class JsonStrings {

    private JsonStrings() {}

    static String quote(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }
}
