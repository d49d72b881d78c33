package dev.aegis.proxy;

import dev.aegis.http.ApiException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * A request body sent compressed ({@code Content-Encoding: gzip} or {@code deflate}) is decoded
 * before Aegis reads it, so what Aegis inspects, prices and scans for secrets is what the provider
 * reads; the provider gets the decoded body, without the header. Any other coding ({@code br},
 * {@code zstd}) is refused with 415 {@code unsupported_encoding} rather than forwarded unread. The
 * decoded body is held to the limit of a plain one (413 {@code request_too_large}), however small
 * the compressed one, and its buffer is counted before it is allocated.
 */
final class ContentCoding {

    private ContentCoding() {}

    /**
     * The body with the codings of a {@code Content-Encoding} header undone (the last applied first).
     *
     * @param header the header's value, or null
     * @param limit the most bytes the decoded body may have
     * @param reserve told each decoded buffer's size before it is allocated (the body budget)
     */
    static byte[] decode(String header, byte[] body, long limit, LongConsumer reserve) {
        List<String> codings = codings(header);
        if (codings.isEmpty()) {
            return body;
        }
        byte[] out = body;
        for (int i = codings.size() - 1; i >= 0; i--) {
            out = decodeOne(codings.get(i), out, limit, reserve);
        }
        return out;
    }

    /** The codings a header names, {@code identity} left out; 415 for one Aegis cannot decode. */
    private static List<String> codings(String header) {
        List<String> out = new ArrayList<>(1);
        if (header == null) {
            return out;
        }
        for (String token : header.split(",")) {
            String coding = token.trim().toLowerCase(Locale.ROOT);
            switch (coding) {
                case "", "identity" -> { }
                case "gzip", "x-gzip", "deflate" -> out.add(coding);
                default -> throw new ApiException(415, "unsupported_encoding", "the request body's Content-Encoding '"
                        + printable(coding) + "' is not one Aegis reads: send it uncompressed, gzip or deflate");
            }
        }
        return out;
    }

    private static byte[] decodeOne(String coding, byte[] body, long limit, LongConsumer reserve) {
        boolean gzip = !coding.equals("deflate");
        try {
            return readAll(gzip ? new GZIPInputStream(new ByteArrayInputStream(body))
                    : new InflaterInputStream(new ByteArrayInputStream(body), new Inflater()), limit, reserve);
        } catch (IOException e) {
            if (!gzip) {
                // "deflate" means a zlib stream; some clients send the bare deflate data instead.
                try {
                    return readAll(new InflaterInputStream(new ByteArrayInputStream(body), new Inflater(true)), limit, reserve);
                } catch (IOException bare) {
                    // fall through to the refusal
                }
            }
            throw ApiException.invalidRequest("the request body is not valid " + coding + " data (Content-Encoding: "
                    + coding + ")");
        }
    }

    private static byte[] readAll(InputStream in, long limit, LongConsumer reserve) throws IOException {
        try (in) {
            long cap = Math.min(limit, Integer.MAX_VALUE - 16) + 1;
            byte[] buf = new byte[(int) grow(reserve, 0, cap)];
            int n = 0;
            while (true) {
                if (n == buf.length) {
                    if (n >= cap) {
                        throw ApiException.tooLarge(limit);
                    }
                    buf = Arrays.copyOf(buf, (int) grow(reserve, buf.length, cap));
                }
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            if (n > limit) {
                throw ApiException.tooLarge(limit);
            }
            return n == buf.length ? buf : Arrays.copyOf(buf, n);
        }
    }

    private static long grow(LongConsumer reserve, long current, long cap) {
        long next = BodyReader.nextBuffer(current, cap);
        reserve.accept(next);
        return next;
    }

    /** A client's token as it may be quoted back: printable ASCII, at most 32 characters. */
    private static String printable(String token) {
        String s = token.length() > 32 ? token.substring(0, 32) : token;
        return s.chars().allMatch(c -> c >= 0x20 && c < 0x7f) ? s : "(unprintable)";
    }
}
