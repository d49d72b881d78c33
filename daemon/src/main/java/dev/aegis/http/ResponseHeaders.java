package dev.aegis.http;

/** Where a step of a call sets a header of its answer (rate-limit and budget headers, say). */
@FunctionalInterface
public interface ResponseHeaders {

    /** Sets {@code name} to {@code value}, replacing any value it had. */
    void setHeader(String name, String value);
}
