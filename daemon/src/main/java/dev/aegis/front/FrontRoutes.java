package dev.aegis.front;

import dev.aegis.http.Exchange;
import java.util.function.Consumer;

/** The routes the front serves itself: the handler of a method and path, or null for Jetty's. */
@FunctionalInterface
public interface FrontRoutes {

    /** @param path a plain path ({@link FrontHead}: nothing to decode, no query) */
    Consumer<Exchange> route(String method, String path);
}
