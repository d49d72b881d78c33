package dev.aegis.receipts;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Checks signatures on every core while the chain walk goes on: receipts are handed over in
 * chunks, a bounded number in flight (so a long trail is not held in memory at once), and the
 * earliest bad signature is what counts. Each chunk is first checked as one batch
 * ({@link Ed25519Batch}, several times cheaper per signature); only a chunk whose batch fails is
 * checked receipt by receipt, which names its first bad receipt.
 */
final class SignatureChecks implements AutoCloseable {

    /** A receipt whose chain checked out, waiting for its signature check. */
    record Signed(String file, int line, long before, byte[] bytes, String sig) {}

    private static final int CHUNK = 128;

    /** The key of checks added without one. */
    private final TrailKey defaultKey;
    /** The key every receipt of {@link #chunk} was signed with. */
    private TrailKey chunkKey;
    private final ExecutorService pool;
    private final Semaphore inFlight;
    private final Deque<Future<Signed>> pending = new ArrayDeque<>();
    private final AtomicBoolean badSeen = new AtomicBoolean();
    private List<Signed> chunk = new ArrayList<>(CHUNK);
    private Signed firstBad;

    SignatureChecks(ReceiptKeys.Verifier verifier, Ed25519Batch batch, int threads) {
        this(new TrailKey(null, null, verifier, batch), threads);
    }

    SignatureChecks(TrailKey defaultKey, int threads) {
        this.defaultKey = defaultKey;
        this.chunkKey = defaultKey;
        this.pool = Executors.newFixedThreadPool(threads, r -> Thread.ofPlatform().daemon(true)
                .name("aegis-receipt-verify").unstarted(r));
        this.inFlight = new Semaphore(threads * 4);
    }

    void add(Signed s) throws InterruptedException {
        add(s, defaultKey);
    }

    /** Checks {@code s} against {@code key}; a chunk holds receipts of one key only. */
    void add(Signed s, TrailKey key) throws InterruptedException {
        if (key != chunkKey) {
            submit();
            chunkKey = key;
        }
        chunk.add(s);
        if (chunk.size() == CHUNK) {
            submit();
        }
    }

    /** True once some bad signature was found (not necessarily the first); the walk can stop. */
    boolean badSeen() {
        return badSeen.get();
    }

    /** Waits for every check; the earliest receipt with a bad signature, or null. */
    Signed firstBad() throws InterruptedException {
        submit();
        while (!pending.isEmpty()) {
            Signed bad = result(pending.removeFirst());
            if (bad != null && firstBad == null) {
                firstBad = bad;
            }
        }
        return firstBad;
    }

    private void submit() throws InterruptedException {
        if (chunk.isEmpty()) {
            return;
        }
        List<Signed> work = chunk;
        TrailKey key = chunkKey;
        chunk = new ArrayList<>(CHUNK);
        inFlight.acquire();
        pending.addLast(pool.submit(() -> {
            try {
                if (batchVerifies(key.batch(), work)) {
                    return null;
                }
                for (Signed s : work) {
                    if (!key.verifier().verify(s.bytes(), s.sig())) {
                        badSeen.set(true);
                        return s;
                    }
                }
                return null;
            } finally {
                inFlight.release();
            }
        }));
        // Collect finished chunks in order, so only results still needed are kept.
        while (!pending.isEmpty() && pending.peekFirst().isDone() && firstBad == null) {
            firstBad = result(pending.removeFirst());
        }
    }

    private static boolean batchVerifies(Ed25519Batch batch, List<Signed> work) {
        List<byte[]> messages = new ArrayList<>(work.size());
        List<byte[]> signatures = new ArrayList<>(work.size());
        for (Signed s : work) {
            messages.add(s.bytes());
            signatures.add(signatureBytes(s.sig()));
        }
        return batch.verifyAll(messages, signatures);
    }

    /** The decoded signature, or no bytes when it is not base64 (the batch then fails). */
    private static byte[] signatureBytes(String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private static Signed result(Future<Signed> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("signature check failed", e.getCause());
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
