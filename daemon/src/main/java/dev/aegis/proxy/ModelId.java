package dev.aegis.proxy;

import dev.aegis.http.ApiException;
import dev.aegis.ids.Ids;

/**
 * The model a call names, checked before it is routed, forwarded or recorded: at most
 * {@link Ids#MODEL_MAX} characters and no control character (400 {@code invalid_request}), so a model
 * such as {@code "gpt-4o-mini\r\nX-Evil: 1"} never reaches a provider, a record or a terminal.
 */
final class ModelId {

    private ModelId() {}

    /** The model, or null for none; 400 when it cannot be an id. */
    static String checked(String model) {
        if (model == null) {
            return null;
        }
        String problem = Ids.problem(model, Ids.MODEL_MAX);
        if (problem != null) {
            throw ApiException.invalidRequest("model " + problem);
        }
        return model;
    }
}
