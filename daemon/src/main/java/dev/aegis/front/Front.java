package dev.aegis.front;

import dev.aegis.config.ServerConfig;
import dev.aegis.http.AllowedHosts;
import dev.aegis.http.BodyBudget;
import dev.aegis.http.CallsAtWork;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aegis's own HTTP/1.1 front for the model-call routes (docs/adr/0007-a-front-of-our-own-for-the-proxy-routes.md):
 * every connection the daemon accepts comes here first and is read by a thread of its own with
 * blocking reads, so a request's bytes wake the thread that serves the call ({@link ConnectionThreads}:
 * a platform thread while its calls are alone, a virtual thread under load). A request the
 * front does not take ({@link FrontHead}: another route, anything unusual) is handed to Jetty with
 * the bytes read so far, and the connection is Jetty's from then on.
 */
public final class Front {

    private static final Logger LOG = LoggerFactory.getLogger(Front.class);

    /** Where a connection the front does not keep goes (Jetty's connector). */
    @FunctionalInterface
    public interface HandOff {
        /** Serves {@code channel} from now on, {@code already} being the bytes the front read and did not use. */
        void take(SocketChannel channel, ByteBuffer already) throws IOException;
    }

    private final ServerConfig settings;
    private final AllowedHosts hosts;
    private final BodyBudget budget;
    private final CallsAtWork atWork;
    private final ConnectionThreads threads;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final LongAdder served = new LongAdder();
    private final LongAdder handedOff = new LongAdder();
    private final LongAdder nextRequestPolls = new LongAdder();
    private final LongAdder readYields = new LongAdder();
    private volatile FrontRoutes routes;
    private volatile boolean stopped;

    public Front(ServerConfig settings, BodyBudget budget, CallsAtWork atWork) {
        this.settings = settings;
        this.hosts = new AllowedHosts(settings);
        this.budget = budget;
        this.atWork = atWork;
        this.threads = new ConnectionThreads(atWork, settings.platformThreads());
    }

    /** Starts taking the routes' requests; until then every connection goes to Jetty as it came. */
    public void open(FrontRoutes routes) {
        this.routes = routes;
    }

    /**
     * A connection just accepted (blocking, its options set): served on a thread of its own
     * ({@link ConnectionThreads}), or handed to {@code jetty} at once while the routes are not open yet.
     */
    public void accepted(SocketChannel channel, HandOff jetty) throws IOException {
        FrontRoutes served = routes;
        if (served == null || stopped) {
            jetty.take(channel, null);
            return;
        }
        open.add(channel);
        if (stopped) { // stop() may have closed the others between the check above and the add
            open.remove(channel);
            channel.close();
            return;
        }
        threads.start(new FrontConnection(this, channel, served, jetty));
    }

    /** Closes every connection the front still holds (the daemon is stopping; calls have drained). */
    public void stop() {
        stopped = true;
        threads.stop();
        for (SocketChannel c : open) {
            try {
                c.close();
            } catch (IOException e) {
                LOG.debug("closing a connection at stop: {}", e.toString());
            }
        }
    }

    /** Connections the front holds open now (not counting those it handed to Jetty). */
    public int connections() {
        return open.size();
    }

    /** Requests the front has served. */
    public long served() {
        return served.sum();
    }

    /** Connections the front has handed to Jetty (once their routes were open). */
    public long handedOff() {
        return handedOff.sum();
    }

    /**
     * Times a connection asked its socket for the client's next request before waiting for it
     * ({@code server.busy_poll}; only on a virtual thread, {@link dev.aegis.http1.BusyPoll#worthOnThisThread}).
     */
    public long nextRequestPolls() {
        return nextRequestPolls.sum();
    }

    /**
     * Times a connection's virtual thread let the other calls at work run before reading its
     * client's next request ({@link dev.aegis.http1.YieldFirst}).
     */
    public long readYields() {
        return readYields.sum();
    }

    void servedOne() {
        served.increment();
    }

    void polledForNextRequest() {
        nextRequestPolls.increment();
    }

    void yieldedBeforeRead() {
        readYields.increment();
    }

    void handOff(SocketChannel channel, ByteBuffer already, HandOff jetty) throws IOException {
        handedOff.increment();
        open.remove(channel);
        jetty.take(channel, already);
    }

    void ended(SocketChannel channel) {
        open.remove(channel);
    }

    ServerConfig settings() {
        return settings;
    }

    AllowedHosts hosts() {
        return hosts;
    }

    BodyBudget budget() {
        return budget;
    }

    CallsAtWork atWork() {
        return atWork;
    }

    ConnectionThreads threads() {
        return threads;
    }
}
