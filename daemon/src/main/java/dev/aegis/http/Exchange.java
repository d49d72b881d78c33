package dev.aegis.http;

import dev.aegis.http.BodyBudget.Claim;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;

/**
 * The HTTP side of one proxied call, as the proxy sees it: the request's line, headers and body
 * stream, the answer's status, headers and body. The proxy is written against this and nothing
 * else of the server, so that its logic exists once whichever server carries the call
 * ({@link JavalinExchange} today; a front of Aegis's own for the proxy routes is proposed in
 * docs/adr/0007-a-front-of-our-own-for-the-proxy-routes.md).
 */
public interface Exchange extends ResponseHeaders {

    // The request.

    /** The method, upper case as it came ({@code POST}). */
    String method();

    /** The path as it came, still percent-encoded, without the query. */
    String path();

    /** The query string as it came, without {@code ?}; null when there is none. */
    String query();

    /** The first value of a header (name in any case); null when absent. */
    String header(String name);

    /** Every value of a header, one per line it came on, in order. */
    List<String> headers(String name);

    /** The names of the headers that came, each once. */
    List<String> headerNames();

    /** The request's id ({@link RequestIds}), echoed on its answer. */
    String requestId();

    /** When the request arrived and how long it waited on providers. */
    RequestTimeline timeline();

    /** The body's declared length ({@code Content-Length}); -1 when it has none (chunked). */
    long declaredLength();

    /** The body's bytes as they arrive, framing removed. */
    InputStream body() throws IOException;

    /**
     * Starts counting this call's body against the daemon's in-flight budget; null when the server
     * has none. The claim is given back when the call ends.
     */
    Claim claimBody();

    /** How long the body may take to arrive; null when the server sets no limit. */
    Duration bodyReadTimeout();

    /** Reads away what is left of a refused body, so that the refusal reaches the client. */
    void discardBody();

    /** Closes the connection: what fails a read blocked on a client that stopped sending. */
    void closeConnection();

    // The answer.

    /** Sets the status; before anything is written. */
    void status(int status);

    /** Adds one more line of a header. */
    void addHeader(String name, String value);

    /** Sets the Content-Type, replacing any the server set by default. */
    void contentType(String value);

    /** Sets the Content-Length of a whole answer. */
    void contentLength(int length);

    /** The body of a whole answer, its head going out with the first write. */
    OutputStream output() throws IOException;

    /**
     * The body of a streamed answer: what is written between two flushes leaves as one write at the
     * flush, and nothing is held while the stream waits.
     */
    OutputStream streamOutput() throws IOException;

    /** Marks the answer as decided (relayed or an error), so no error page of the server replaces it. */
    void answered();
}
