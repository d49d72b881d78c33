package dev.aegis.http;

/**
 * Whether a connection asks its socket for the client's next request after an answer ({@link
 * SpinningConnection}). Only for a client whose last request came within {@link #PROMPT_NANOS} of
 * the answer before it (a load generator, an agent's tool loop; the time includes the daemon's own
 * wake-ups when the request came through the selector, so it is longer than any spin). And spins in
 * vain back off: after {@link #IN_VAIN_BEFORE_BACK_OFF} in a row, the next answer hands the
 * connection back at once, after one more the next 3, then 7, up to {@link #MAX_SKIPPED}. A client
 * that sends at once after every answer is spun for every time, one with hiccups too, and one whose
 * turnaround is prompt but longer than the spin (Node's HTTP client after a stream: ≈ 0.7 ms) costs
 * a spin in vain every 64 answers instead of every answer.
 *
 * <p>One per connection, used by the one thread handling it at a time.
 */
public final class ClientTurnaround {

    /** A next request that came within this of its answer came promptly. */
    static final long PROMPT_NANOS = 1_000_000;
    /**
     * Spins in vain in a row before the next answers skip theirs: a prompt client on a busy machine
     * misses a spin now and then, and handing its connection back costs more wake-ups than the spin.
     */
    static final int IN_VAIN_BEFORE_BACK_OFF = 4;
    /** The most answers handed back at once after spins in vain. */
    static final int MAX_SKIPPED = 63;

    private final long spinNanos;
    private boolean prompt = true;
    /** When the last answer was done (nanoTime), while its next request has not come; 0 otherwise. */
    private long answeredAt;
    /** Spins in vain in a row, counted up to {@link #IN_VAIN_BEFORE_BACK_OFF}. */
    private int inVain;
    /** How many answers the last back-off skipped (0 before one): the next skips twice that, plus one. */
    private int backOff;
    private int toSkip;

    public ClientTurnaround(long spinNanos) {
        this.spinNanos = spinNanos;
    }

    /** An answer is done at {@code now}: true to ask for the next request before handing the connection back. */
    public boolean answered(long now) {
        answeredAt = now;
        if (spinNanos <= 0 || !prompt) {
            return false;
        }
        if (toSkip > 0) {
            toSkip--;
            return false;
        }
        return true;
    }

    /** What the spin after an answer found: the next request's bytes, or nothing within the spin. */
    public void spun(boolean arrived) {
        if (arrived) {
            answeredAt = 0;
            inVain = 0;
            backOff = 0;
        } else if (++inVain >= IN_VAIN_BEFORE_BACK_OFF) {
            inVain = IN_VAIN_BEFORE_BACK_OFF;
            backOff = Math.min(MAX_SKIPPED, 2 * backOff + 1);
            toSkip = backOff;
        }
    }

    /** A request came through the selector at {@code now}: after an answer, it tells whether the client is prompt. */
    public void requestCame(long now) {
        if (answeredAt != 0) {
            prompt = now - answeredAt <= PROMPT_NANOS;
            answeredAt = 0;
        }
    }
}
