package dev.aegis.front;

import java.util.ArrayList;
import java.util.List;

/**
 * A request head the front took: its method and path (no query: the front leaves requests with one
 * to Jetty), its header lines in order, and what the framing needs.
 *
 * @param length the head's bytes, the blank line included
 * @param contentLength the body's length (every request the front takes declares one)
 * @param close the client asked for the connection to close after the answer
 */
record RequestHead(String method, String path, String[] names, String[] values, int length, long contentLength,
        boolean close) implements FrontHead.Parsed {

    /** The first value of a header, its name in any case; null when absent. */
    String header(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                return values[i];
            }
        }
        return null;
    }

    /** Every value of a header, in the order its lines came. */
    List<String> headers(String name) {
        List<String> found = new ArrayList<>(1);
        for (int i = 0; i < names.length; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                found.add(values[i]);
            }
        }
        return found;
    }

    /** Each header's name once, as it first came. */
    List<String> headerNames() {
        List<String> distinct = new ArrayList<>(names.length);
        outer:
        for (String n : names) {
            for (String seen : distinct) {
                if (seen.equalsIgnoreCase(n)) {
                    continue outer;
                }
            }
            distinct.add(n);
        }
        return distinct;
    }
}
