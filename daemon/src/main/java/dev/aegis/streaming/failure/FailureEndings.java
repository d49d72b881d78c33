package dev.aegis.streaming.failure;

/** The failure ending for each streaming protocol; a new one per stream (some remember what passed). */
public final class FailureEndings {

    private FailureEndings() {}

    public static FailureEnding chat() {
        return new ChatFailureEnding();
    }

    public static FailureEnding responses() {
        return new ResponsesFailureEnding();
    }

    public static FailureEnding messages() {
        return new MessagesFailureEnding();
    }
}
