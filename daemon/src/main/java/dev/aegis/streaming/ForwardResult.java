package dev.aegis.streaming;

/**
 * How forwarding a streamed answer ended.
 *
 * @param bytesToClient bytes the client received
 * @param upstreamComplete the provider's stream reached its end (false: cut, stalled or read error)
 * @param clientGone the client went away before the end
 * @param drainEnded reading stopped before the provider's end: nothing more went to the client and
 *     the provider went on past {@link StreamForwarder.Drain}
 */
public record ForwardResult(long bytesToClient, boolean upstreamComplete, boolean clientGone, boolean drainEnded) {}
