package dev.aegis.proxy;

import dev.aegis.http.ApiException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;

/** Reads a request body up to the configured limit; 413 beyond it, before reading it all. */
final class BodyReader {

    private BodyReader() {}

    static byte[] read(Context ctx, long limit) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > limit) {
            throw ApiException.tooLarge(limit);
        }
        int cap = (int) Math.min(limit, Integer.MAX_VALUE - 16);
        try (InputStream in = ctx.req().getInputStream()) {
            if (declared >= 0) {
                // The length is known: one array of it (reading up to the limit allocates 16 KB pieces).
                byte[] bytes = new byte[(int) declared];
                if (in.readNBytes(bytes, 0, bytes.length) < bytes.length) {
                    throw new IOException("the body ended before its Content-Length");
                }
                // Reading on to the end lets Jetty give the connection's 8 KB request buffer back now
                // rather than when the call ends: 2,000 open streams held 16 MB of them
                // (docs/BENCHMARKS.md). HTTP framing ends the body at its Content-Length.
                in.read();
                return bytes;
            }
            byte[] bytes = in.readNBytes(cap + 1);
            if (bytes.length > cap) {
                throw ApiException.tooLarge(limit);
            }
            return bytes;
        } catch (IOException e) {
            throw ApiException.invalidRequest("could not read the request body: the client stopped sending");
        }
    }
}
