package dev.aegis.bench;

import dev.aegis.receipts.CanonicalJson;
import dev.aegis.receipts.Ed25519Batch;
import dev.aegis.receipts.ReceiptInput;
import dev.aegis.receipts.ReceiptKeys;
import dev.aegis.receipts.ReceiptLog;
import dev.aegis.receipts.ReceiptSigner;
import dev.aegis.receipts.ReceiptVerifier;
import dev.aegis.receipts.VerifyResult;
import dev.aegis.store.UsageRow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Receipts signed and verified per second (issue 6: verification ≥ 20,000 receipts/s). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class ReceiptVerifyBenchmark {

    static final int RECEIPTS = 20_000;
    /** The chunk size {@code SignatureChecks} hands to one batch check. */
    static final int BATCH = 128;

    private Path dir;
    private ReceiptKeys.Pair keys;
    private List<ReceiptInput> batch;
    private ReceiptKeys.Verifier verifier;
    private byte[] signedBytes;
    private String signature;
    private Ed25519Batch batchVerifier;
    private List<byte[]> batchMessages;
    private List<byte[]> batchSignatures;
    private ReceiptSigner nativeSigner;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path home = Files.createTempDirectory("aegis-receipts-bench");
        dir = home.resolve("receipts");
        keys = ReceiptKeys.loadOrCreate(home.resolve("receipts.key"), home.resolve("receipts.pub"));
        batch = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            UsageRow row = new UsageRow(System.currentTimeMillis(), "req-" + i, "key1", "default", "run-1", "/v1/responses",
                    "gpt-4o-mini", "gpt-4o-mini", "openai", 200, null, 1200, 300, 0, 250, 40, 5775, false, "2026-07-24.1",
                    12.0, 3.0, true, true);
            batch.add(new ReceiptInput(row, "{\"model\":\"gpt-4o-mini\"}".getBytes(StandardCharsets.UTF_8), null,
                    "ab".repeat(32)));
        }
        ReceiptLog log = ReceiptLog.open(dir, keys, "0123456789abcdef", InstantSource.system());
        for (int i = 0; i < RECEIPTS / batch.size(); i++) {
            log.append(batch);
        }
        String line = Files.readAllLines(ReceiptVerifier.files(dir).getFirst()).getFirst();
        TreeMap<String, Object> receipt = CanonicalJson.parse(line);
        signature = (String) receipt.remove("sig");
        signedBytes = CanonicalJson.bytes(receipt);
        verifier = new ReceiptKeys.Verifier(keys.publicKey());
        nativeSigner = ReceiptSigner.forKeys(keys);
        batchVerifier = new Ed25519Batch(keys.publicKey().raw());
        batchMessages = new ArrayList<>();
        batchSignatures = new ArrayList<>();
        for (String l : Files.readAllLines(ReceiptVerifier.files(dir).getFirst()).subList(0, BATCH)) {
            TreeMap<String, Object> r = CanonicalJson.parse(l);
            batchSignatures.add(Base64.getDecoder().decode((String) r.remove("sig")));
            batchMessages.add(CanonicalJson.bytes(r));
        }
    }

    @Benchmark
    @OperationsPerInvocation(RECEIPTS)
    public VerifyResult verify() throws IOException {
        return new ReceiptVerifier(keys.publicKey()).verify(dir);
    }

    /** The same walk with one signature thread: what one core does. */
    @Benchmark
    @OperationsPerInvocation(RECEIPTS)
    public VerifyResult verifyOnOneThread() throws IOException {
        return new ReceiptVerifier(keys.publicKey(), 1).verify(dir);
    }

    /** The floor: BouncyCastle's Ed25519 verification of one receipt's bytes, nothing else, on one thread. */
    @Benchmark
    public boolean ed25519VerifyOnly() {
        return verifier.verify(signedBytes, signature);
    }

    /** Signing one receipt's bytes as the daemon does where AWS-LC loads (its log names the signer). */
    @Benchmark
    public String ed25519SignNative() {
        return nativeSigner.sign(signedBytes);
    }

    /** BouncyCastle's signing of one receipt's bytes (the daemon's fallback): the pair's public key is passed in. */
    @Benchmark
    public String ed25519SignOnly() {
        return ReceiptKeys.sign(keys, signedBytes);
    }

    /** The former signing call, for comparison: BouncyCastle recomputes the public key from the seed each time. */
    @Benchmark
    public byte[] ed25519SignRecomputingPublicKey() {
        byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(keys.privateKey(), 0, signedBytes, 0, signedBytes.length, sig, 0);
        return sig;
    }

    /** The batch check of 128 receipts' signatures (what one chunk of the walk costs), per signature, one thread. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public boolean ed25519BatchVerifyPerSignature() {
        return batchVerifier.verifyAll(batchMessages, batchSignatures);
    }

    @Benchmark
    @OperationsPerInvocation(1000)
    public void signAndAppend(SignState s) {
        s.log.append(batch);
    }

    /** A fresh log per trial for the signing benchmark. */
    @State(Scope.Benchmark)
    public static class SignState {
        ReceiptLog log;

        @Setup(Level.Trial)
        public void setUp(ReceiptVerifyBenchmark b) throws IOException {
            log = ReceiptLog.open(Files.createTempDirectory("aegis-sign-bench"), b.keys, "0123456789abcdef", InstantSource.system());
        }
    }
}
