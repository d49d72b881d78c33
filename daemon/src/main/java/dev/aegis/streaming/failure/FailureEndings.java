package dev.aegis.streaming.failure;

/**
 * The failure ending for each streaming protocol, none after the provider's own ({@link UnlessProviderFailed});
 * a new one per stream (they remember what passed).
 */
public final class FailureEndings {

    private FailureEndings() {}

    public static FailureEnding chat() {
        return new UnlessProviderFailed(new ChatFailureEnding());
    }

    public static FailureEnding responses() {
        return new UnlessProviderFailed(new ResponsesFailureEnding());
    }

    public static FailureEnding messages() {
        return new UnlessProviderFailed(new MessagesFailureEnding());
    }
}
