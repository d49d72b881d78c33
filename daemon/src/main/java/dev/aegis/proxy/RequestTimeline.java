package dev.aegis.proxy;

/** When a call reached Aegis, left for the provider and came back, to tell Aegis's own time from the provider's. */
final class RequestTimeline {

    private final long received = System.nanoTime();
    private long sentUpstream;
    private long upstreamHeaders;

    void sentUpstream() {
        sentUpstream = System.nanoTime();
    }

    void upstreamHeaders() {
        upstreamHeaders = System.nanoTime();
    }

    /** Time spent inside Aegis so far, excluding the wait for the provider's headers. */
    double overheadMillis() {
        long now = System.nanoTime();
        long waiting = sentUpstream == 0 ? 0 : (upstreamHeaders == 0 ? now : upstreamHeaders) - sentUpstream;
        return (now - received - waiting) / 1_000_000.0;
    }
}
