package dev.aegis.streaming;

/**
 * How forwarding a streamed answer ended.
 *
 * @param bytesToClient bytes the client received
 * @param upstreamComplete the provider's stream reached its end (false: cut, stalled or read error)
 * @param clientGone the client went away before the end
 */
public record ForwardResult(long bytesToClient, boolean upstreamComplete, boolean clientGone) {}
