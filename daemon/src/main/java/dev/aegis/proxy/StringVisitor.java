package dev.aegis.proxy;

import com.fasterxml.jackson.core.JsonParser;

/** Sees every string of a body, object keys included, during its one inspection pass (the secret scan rides along). */
@FunctionalInterface
public interface StringVisitor {

    StringVisitor NONE = (value, at) -> {};

    /** @param at the parser positioned on the string (a value, or a {@code FIELD_NAME} for a key), for its JSON path */
    void visit(String value, JsonParser at);
}
