package dev.aegis.proxy;

import dev.aegis.http.ApiException;
import dev.aegis.http.Exchange;
import dev.aegis.http.RequestTimeline;
import dev.aegis.pricing.Pricing;
import dev.aegis.routing.RouteTarget;
import dev.aegis.streaming.ForwardResult;
import dev.aegis.streaming.HashingOutputStream;
import dev.aegis.watchdog.WatchedInput;
import dev.aegis.watchdog.Watchdogs;
import dev.aegis.streaming.StreamForwarder;
import dev.aegis.usage.UsageExtractor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the provider's answer to the client: whole answers with their cost in {@code X-Cost-USD};
 * server-sent events one by one as they arrive, read for usage on the way.
 */
final class ResponseRelay {

    private static final Logger LOG = LoggerFactory.getLogger(ResponseRelay.class);

    /** Answers announced up to this size are read into an array of their length. */
    private static final int MAX_PRESIZED = 8 * 1024 * 1024;
    /**
     * The most of an answer that is not streamed read into memory (ten large generated images as base64
     * are a few tens of MB): a provider whose body never ended took the daemon's heap.
     */
    static final int MAX_WHOLE = 128 * 1024 * 1024;

    private ResponseRelay() {}

    /**
     * @param tap what the client gets for each streamed event (usage hiding, translation, budget cut-off)
     * @param translation turns a whole answer into the client's protocol
     * @param beforeComplete runs once the usage is known and before the client has the whole answer (it
     *     settles and records the call)
     */
    static void relay(Exchange res, HttpResponse<InputStream> response, RouteTarget target,
            RequestTimeline timeline, CallRecord record, UsageExtractor usage, StreamTap tap, Translation translation,
            Pricing pricing, Duration idle, BooleanSupplier stopping, Runnable beforeComplete) {
        record.answered(response.statusCode());
        record.overhead(timeline.overheadMillis());
        boolean streamed = response.headers()
                .firstValue("content-type")
                .map(v -> v.toLowerCase(Locale.ROOT).startsWith("text/event-stream"))
                .orElse(false);
        if (streamed) {
            relayStream(res, response, target, timeline, record, usage, tap, idle, stopping, beforeComplete);
            return;
        }
        byte[] upstreamBytes = readWhole(response, target, idle);
        if (response.statusCode() < 400) {
            usage.onBody(upstreamBytes);
            if (!usage.sawEnd()) {
                throw ApiException.upstreamBroken(target.provider().name(), "its body is not JSON");
            }
        }
        byte[] bytes = translation.answer(upstreamBytes, response.statusCode());
        copyHeaders(res, response, target, timeline);
        res.setHeader("X-Cost-USD", record.costUsd(pricing).toPlainString());
        res.contentLength(bytes.length);
        record.responseBody(bytes);
        record.firstByte();
        beforeComplete.run();
        try {
            OutputStream out = res.output();
            out.write(bytes);
            // Complete the response here, so a call counted as finished has really reached the client
            // (a graceful stop waits for exactly that).
            out.close();
        } catch (IOException e) {
            LOG.debug("client went away before the answer was written: {}", e.toString());
        }
    }

    private static void relayStream(Exchange res, HttpResponse<InputStream> response, RouteTarget target,
            RequestTimeline timeline, CallRecord record, UsageExtractor usage, StreamTap tap, Duration idle,
            BooleanSupplier stopping, Runnable beforeComplete) {
        copyHeaders(res, response, target, timeline);
        try (WatchedInput in = Watchdogs.SHARED.watchReads(idle, response.body())) {
            HashingOutputStream out = new HashingOutputStream(res.streamOutput());
            // The head goes out with the first event when the provider sent them together, else at once
            // (StreamForwarder): either way within microseconds of now.
            record.firstByte();
            ForwardResult result = StreamForwarder.forward(in, out, tap, stopping);
            boolean finished = result.upstreamComplete() && usage.sawEnd();
            if (!finished) {
                String provider = target.provider().name();
                String why = switch (result.ending()) {
                    case DRAIN_LIMIT -> "provider " + provider + " went on streaming past "
                            + StreamForwarder.Drain.DEFAULT.bytes() / (1024 * 1024) + " MB or "
                            + TimeUnit.NANOSECONDS.toMinutes(StreamForwarder.Drain.DEFAULT.nanos())
                            + " minutes after the client's answer ended; stopped reading it, its usage unseen";
                    case STOPPING -> "Aegis is stopping and this stream outlasted the stop's time for calls in flight"
                            + " (aegis stop --timeout); the answer is incomplete";
                    default -> in.fired()
                            ? "provider " + provider + " sent nothing for " + idle.toMillis()
                                    + " ms (timeouts.idle); the answer is incomplete"
                            : "the stream from provider " + provider + " ended before its last event; the answer is incomplete";
                };
                LOG.warn("{} ({} bytes sent)", why, result.bytesToClient());
                if (!result.clientGone() && response.statusCode() < 400) {
                    endWith(out, tap.endingAfterFailure(why));
                }
            }
            record.responseSha256(out.sha256Hex());
            record.streamed(finished);
            beforeComplete.run();
            if (!result.clientGone()) {
                out.close();
            }
        } catch (IOException e) {
            record.streamed(false);
            LOG.debug("client went away before the stream began: {}", e.toString());
        }
    }

    private static void endWith(HashingOutputStream out, byte[] ending) {
        if (ending.length == 0) {
            return;
        }
        try {
            out.write(ending);
            out.flush();
        } catch (IOException e) {
            LOG.debug("client went away before the stream's ending: {}", e.toString());
        }
    }

    /**
     * The whole answer, read into an array of its announced length (one allocation, no copy); a
     * provider silent for {@code timeouts.idle} in the middle of it is cut off.
     */
    private static byte[] readWhole(HttpResponse<InputStream> response, RouteTarget target, Duration idle) {
        long announced = response.headers().firstValueAsLong("content-length").orElse(-1);
        try (WatchedInput in = Watchdogs.SHARED.watchReads(idle, response.body())) {
            if (announced > MAX_WHOLE) {
                throw tooLarge(target); // its connection closed with the body, unread
            }
            if (announced < 0 || announced > MAX_PRESIZED) {
                byte[] bytes = in.readNBytes(MAX_WHOLE + 1);
                if (bytes.length > MAX_WHOLE) {
                    throw tooLarge(target);
                }
                return bytes;
            }
            byte[] bytes = new byte[(int) announced];
            int read = in.readNBytes(bytes, 0, bytes.length);
            return read == bytes.length ? bytes : Arrays.copyOf(bytes, read);
        } catch (IOException e) {
            throw ApiException.upstreamUnavailable(target.provider().name(), "the answer was cut off");
        }
    }

    private static ApiException tooLarge(RouteTarget target) {
        return ApiException.upstreamBroken(target.provider().name(),
                "an answer larger than the " + MAX_WHOLE / (1024 * 1024) + " MB Aegis reads of one that is not streamed");
    }

    private static void copyHeaders(
            Exchange res, HttpResponse<InputStream> response, RouteTarget target, RequestTimeline timeline) {
        res.status(response.statusCode());
        for (Map.Entry<String, List<String>> h : response.headers().map().entrySet()) {
            if (HeaderPolicy.forwardResponseHeader(h.getKey())) {
                if (h.getKey().equalsIgnoreCase("content-type")) {
                    // Replaces Javalin's default; Jetty 12's addHeader would send it as a second one.
                    res.contentType(h.getValue().getLast());
                    continue;
                }
                for (String v : h.getValue()) {
                    res.addHeader(h.getKey(), v);
                }
            }
        }
        response.headers().firstValue("x-request-id").ifPresent(v -> res.setHeader("X-Upstream-Request-Id", v));
        res.setHeader("X-Aegis-Provider", target.provider().name());
        res.setHeader("X-Aegis-Model", target.model());
        res.setHeader("X-Aegis-Overhead-Ms", timeline.overheadHeader());
    }
}
