package dev.aegis.streaming;

/**
 * How forwarding a streamed answer ended.
 *
 * @param bytesToClient bytes the client received
 * @param ending why reading the provider's stream stopped
 * @param clientGone the client went away before the end
 */
public record ForwardResult(long bytesToClient, Ending ending, boolean clientGone) {

    /** Why reading the provider's stream stopped. */
    public enum Ending {
        /** The stream reached its end. */
        COMPLETE,
        /** It broke off: cut, stalled ({@code timeouts.idle}) or a read error. */
        BROKEN,
        /**
         * Nothing more went to the client and the provider went on past {@link StreamForwarder.Drain}:
         * not read further.
         */
        DRAIN_LIMIT,
        /** The daemon is stopping and the stop's time for calls in flight is up: not read further. */
        STOPPING
    }

    /** The provider's stream reached its end. */
    public boolean upstreamComplete() {
        return ending == Ending.COMPLETE;
    }
}
