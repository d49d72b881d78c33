package dev.aegis.proxy;

import com.fasterxml.jackson.core.JsonParser;

/** Sees every string value of a body during its one inspection pass (the secret scan rides along). */
@FunctionalInterface
public interface StringVisitor {

    StringVisitor NONE = (value, at) -> {};

    /** @param at the parser positioned on the string, for its JSON path */
    void visit(String value, JsonParser at);
}
