package dev.aegis.http;

import dev.aegis.watchdog.Watch;
import dev.aegis.watchdog.Watchdogs;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;

/**
 * Jetty's HTTP/1.1 connections, with a deadline for each request head: from the moment a
 * connection is ready for a request (opened, or its last answer sent) to the end of the head, at
 * most {@code server.read_timeout}, or the watchdog closes it. Jetty's idle timeout alone resets
 * on every byte, so a client dripping a head a byte a second would hold its connection for hours.
 * The body has its own deadline ({@code BodyReader}).
 */
final class HeadDeadline extends HttpConnectionFactory {

    private final Duration timeout;
    private final Duration busyPoll;
    private final CallsAtWork atWork;

    /** @param busyPoll see {@link SpinningConnection} */
    HeadDeadline(HttpConfiguration config, Duration timeout, Duration busyPoll, CallsAtWork atWork) {
        super(config);
        this.timeout = timeout;
        this.busyPoll = busyPoll;
        this.atWork = atWork;
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        TimedConnection connection = new TimedConnection(getHttpConfiguration(), connector, endPoint, timeout, busyPoll, atWork);
        connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
        return configure(connection, connector, endPoint);
    }

    private static final class TimedConnection extends SpinningConnection {

        private final Duration timeout;
        private final AtomicReference<Watch> head = new AtomicReference<>();

        TimedConnection(HttpConfiguration config, Connector connector, EndPoint endPoint, Duration timeout, Duration busyPoll,
                CallsAtWork atWork) {
            super(config, connector, endPoint, busyPoll, atWork);
            this.timeout = timeout;
        }

        @Override
        protected RequestHandler newRequestHandler() {
            // Called from HttpConnection's constructor: the fields above are not set yet.
            return new RequestHandler() {
                @Override
                public boolean headerComplete() {
                    stopWatch();
                    return super.headerComplete();
                }
            };
        }

        @Override
        protected HttpStreamOverHTTP1 newHttpStream(String method, String uri, HttpVersion version) {
            return new HttpStreamOverHTTP1(method, uri, version) {
                @Override
                public void succeeded() {
                    // Before the parser is reset for the next request, whose head may then complete at once.
                    startWatch();
                    super.succeeded();
                }
            };
        }

        @Override
        public void onOpen() {
            // First: a connection handed over by the front opens with its head already buffered, and
            // super.onOpen has another thread parse it at once, whose headerComplete stops the watch.
            startWatch();
            super.onOpen();
        }

        @Override
        public void onClose(Throwable cause) {
            stopWatch();
            super.onClose(cause);
        }

        private void startWatch() {
            if (getEndPoint().isOpen()) {
                replaceWatch(Watchdogs.SHARED.watch(timeout, getEndPoint()::close));
            }
        }

        private void stopWatch() {
            replaceWatch(null);
        }

        private void replaceWatch(Watch next) {
            Watch previous = head.getAndSet(next);
            if (previous != null) {
                previous.close();
            }
        }
    }
}
