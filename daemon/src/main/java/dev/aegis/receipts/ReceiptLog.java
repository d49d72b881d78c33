package dev.aegis.receipts;

import dev.aegis.background.GiveWay;
import dev.aegis.home.SecureFiles;
import dev.aegis.store.ReceiptHead;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daily JSONL receipt files: each receipt gets the next {@code seq}, the hash of the previous
 * line as {@code prev} (across files) and an Ed25519 signature over its canonical bytes. On open the
 * chain resumes from the last complete line; a torn last line from a crash is moved to a
 * {@code .torn} file beside it and logged, never silently dropped. Every receipt names its key's
 * fingerprint ({@code key}) and the daemon's instance id ({@code instance}, {@link ReceiptInstance}),
 * so the receipts of daemons sharing a store form one chain per daemon. The store keeps each
 * instance's head outside the trail
 * ({@link dev.aegis.store.ReceiptHeadStore}); when the trail ends before it (receipts deleted while
 * the daemon was stopped), the chain resumes from the stored head, so the gap stays visible to
 * {@code aegis receipts verify} instead of being papered over by re-used numbers.
 *
 * <p>The day's file stays open between batches (opening, checking and {@code chmod}-ing it per batch
 * were five system calls per batch); before each batch one {@code stat} of the day's path checks it
 * is still the open file, and a new day, or a file moved or deleted meanwhile (rotated away, cleaned
 * up), opens the path anew, so receipts always go to the file named for their day.
 */
public final class ReceiptLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReceiptLog.class);

    private final Path dir;
    private final ReceiptKeys.Pair keys;
    private final String keyFingerprint;
    private final String instance;
    /**
     * Made off the start's path (loading the native signer takes a few hundred ms): the daemon
     * begins it once it listens ({@link #prepareSigner}), and the first receipt waits for it if it
     * has not finished, so a cold daemon's first rows are not held up by it for long.
     */
    private volatile ReceiptSigner signer;
    private final InstantSource clock;
    private long seq;
    private String prev;
    /** The day's file kept open between batches, its path and its identity (device and inode); null when none is. */
    private FileChannel file;
    private Path filePath;
    private Object fileKey;

    private ReceiptLog(Path dir, ReceiptKeys.Pair keys, String instance, InstantSource clock, long seq, String prev) {
        this.dir = dir;
        this.keys = keys;
        this.instance = instance;
        this.keyFingerprint = ReceiptKeys.fingerprint(keys.publicKey());
        this.clock = clock;
        this.seq = seq;
        this.prev = prev;
    }

    /** @param clock decides which day's file a receipt goes to */
    public static ReceiptLog open(Path dir, ReceiptKeys.Pair keys, String instance, InstantSource clock) throws IOException {
        return open(dir, keys, instance, clock, Optional.empty(), 0);
    }

    /**
     * @param instance the daemon's instance id, carried in every receipt
     * @param storedHead the head the store remembers for this instance; the chain resumes from it when
     *     the trail ends before it (logged as an error: receipts were removed)
     * @param namedByRows the highest receipt the store's usage rows name: the chain resumes after it too
     *     when the trail and the head end before it (the head's row removed with the trail's end), so
     *     that no seq is given to two calls and the gap stays visible
     */
    public static ReceiptLog open(Path dir, ReceiptKeys.Pair keys, String instance, InstantSource clock,
            Optional<ReceiptHead> storedHead, long namedByRows) throws IOException {
        return open(dir, keys, instance, clock, storedHead, namedByRows, trailEnd(dir));
    }

    /** @param trail the trail's end as {@link #trailEnd} read it (a start reads it once for all it decides) */
    public static ReceiptLog open(Path dir, ReceiptKeys.Pair keys, String instance, InstantSource clock,
            Optional<ReceiptHead> storedHead, long namedByRows, ReceiptHead trail) {
        long headSeq = storedHead.map(ReceiptHead::seq).orElse(0L);
        long known = Math.max(headSeq, namedByRows);
        if (trail.seq() == UNREADABLE_SEQ) {
            LOG.error("the last line of the receipt trail in {} has no sequence number Aegis can read (altered, or not"
                    + " written by Aegis): new receipts chain on from that line, from seq {}; `aegis receipts verify`"
                    + " reports it", dir, known + 1);
            return new ReceiptLog(dir, keys, instance, clock, known, trail.hash());
        }
        if (known > trail.seq()) {
            LOG.error("the receipt trail in {} ends at seq {} but {} seq {}: {} receipt(s) are missing; "
                    + "new receipts continue from seq {} so the gap stays visible to `aegis receipts verify`", dir,
                    trail.seq(), headSeq == known ? "the store's head is" : "the store's usage rows name receipts up to", known,
                    known - trail.seq(), known + 1);
            // The head's hash chains on from the missing receipt; without it the chain is broken at the gap anyway.
            return new ReceiptLog(dir, keys, instance, clock, known, headSeq == known ? storedHead.get().hash() : trail.hash());
        }
        return new ReceiptLog(dir, keys, instance, clock, trail.seq(), trail.hash());
    }

    /**
     * Where a trail ends, read once per start.
     *
     * @param head its last complete receipt (seq 0 and the genesis hash when there is none; seq
     *     {@link #UNREADABLE_SEQ} when its last line has no seq Aegis can read)
     * @param rotatesTo the fingerprint of the key that last receipt hands the trail over to, when it is a key
     *     rotation; null otherwise
     */
    public record TrailEnd(ReceiptHead head, String rotatesTo) {
        static final TrailEnd NONE = new TrailEnd(new ReceiptHead(0, Receipts.GENESIS, null), null);
    }

    /** {@link #end}'s head: the trail's last complete receipt. */
    public static ReceiptHead trailEnd(Path dir) throws IOException {
        return end(dir).head();
    }

    /**
     * The trail's end, read from the end of the newest file that has a receipt (a torn last line set
     * aside first): a start reads a few KB whatever the day's file holds.
     */
    public static TrailEnd end(Path dir) throws IOException {
        SecureFiles.createPrivateDirectories(dir);
        List<Path> files = ReceiptVerifier.files(dir);
        if (files.isEmpty()) {
            return TrailEnd.NONE;
        }
        // The newest file's end is read once: for a torn tail to set aside and, most often, the last receipt.
        ReceiptFileEnd newest = ReceiptFileEnd.of(files.getLast());
        if (newest.torn()) {
            newest = completeOrSetAside(files.getLast(), newest);
        }
        String lastLine = newest.lastLine();
        if (lastLine == null) {
            ReceiptFileEnd.LastLine older = ReceiptFileEnd.lastOf(files.subList(0, files.size() - 1));
            if (older == null) {
                return TrailEnd.NONE;
            }
            lastLine = older.line();
        }
        // One streaming pass, as the verifier reads lines: a tree of the receipt would build Jackson's map
        // deserializers on every start (≈ 30 classes from the jar, tens of ms of a start: docs/STARTUP.md).
        byte[] line = lastLine.getBytes(StandardCharsets.UTF_8);
        ReceiptLine receipt = ReceiptLine.parse(line, 0, line.length);
        ReceiptKeys.ReceiptPublicKey announced = "rotation".equals(receipt.type()) && receipt.newKey() != null
                ? ReceiptKeys.fromBase64(receipt.newKey()) : null;
        return new TrailEnd(new ReceiptHead(receipt.seq() != null ? receipt.seq() : UNREADABLE_SEQ, Receipts.hash(lastLine),
                receipt.key(), receipt.instance()), announced == null ? null : ReceiptKeys.fingerprint(announced));
    }

    /** {@link #trailEnd}'s seq when the trail's last line has none Aegis can read (none, or not a long). */
    public static final long UNREADABLE_SEQ = -1;

    /** The last receipt written: its seq, the hash of its line, this log's key and instance. */
    public ReceiptHead head() {
        return new ReceiptHead(seq, prev, keyFingerprint, instance);
    }

    /**
     * A last line without its newline: a whole receipt that lost only the newline (a crash between the
     * two, or a copy that dropped it) gets it back, as `aegis receipts verify` reads it; anything else is
     * a torn write, set aside. Returns the file's end after.
     */
    private static ReceiptFileEnd completeOrSetAside(Path last, ReceiptFileEnd end) throws IOException {
        byte[] tail = end.tornBytes(last);
        boolean whole;
        try {
            ReceiptLine receipt = ReceiptLine.parse(tail, 0, tail.length);
            whole = receipt.seq() != null && receipt.prev() != null && receipt.sig() != null;
        } catch (IOException e) {
            whole = false;
        }
        if (!whole) {
            setTornTailAside(last, end);
            return end; // its last line is still the last complete one: the file was cut back to it
        }
        try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(new byte[] {(byte) 10}));
            ch.force(false);
        }
        LOG.warn("the last receipt in {} had lost its newline; it was whole, and the newline is back", last);
        return ReceiptFileEnd.of(last);
    }

    /** A crash mid-write can leave a last line without its newline: keep its bytes aside and say so. */
    private static void setTornTailAside(Path last, ReceiptFileEnd end) throws IOException {
        Path torn = last.resolveSibling(last.getFileName() + "." + Instant.now().toEpochMilli() + ".torn");
        SecureFiles.writeAtomically(torn, end.tornBytes(last));
        try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE)) {
            ch.truncate(end.completeLength());
        }
        LOG.error("the last receipt in {} was torn (a crash mid-write); its bytes are kept in {}", last, torn);
    }

    /**
     * Appends a batch, one fsync per file touched. A write that fails (a full disk) is undone: the file
     * is cut back to its length before it, the chain stays where the last written receipt left it,
     * and the receipts already written are removed from {@code batch} (which must then be mutable),
     * so a retry of what is left continues the chain exactly.
     */
    public void append(List<ReceiptInput> batch) {
        int done = 0;
        try {
            while (done < batch.size()) {
                done += appendOneFile(batch.subList(done, batch.size()));
            }
        } catch (IOException e) {
            batch.subList(0, done).clear();
            throw new UncheckedIOException("cannot write receipts to " + dir + ": " + e.getMessage(), e);
        }
    }

    private static final long SECONDS_PER_DAY = 86_400;

    /** Signs and writes the leading receipts of {@code batch} that belong to one day's file; returns how many. */
    private int appendOneFile(List<ReceiptInput> batch) throws IOException {
        lines.clear();
        Path file = null;
        long fileDay = 0;
        long nextSeq = seq;
        String nextPrev = prev;
        int n = 0;
        GiveWay giveWay = new GiveWay();
        ReceiptSigner signer = signer();
        for (ReceiptInput in : batch) {
            // The day's file by the clock at each receipt: a batch across midnight goes to two files.
            long day = Math.floorDiv(clock.instant().getEpochSecond(), SECONDS_PER_DAY);
            if (file == null) {
                file = dir.resolve(LocalDate.ofEpochDay(day) + ".jsonl");
                fileDay = day;
            } else if (day != fileDay) {
                break;
            }
            byte[] line = ReceiptMembers.line(
                    new ReceiptMembers.Receipt(in, nextSeq + 1, nextPrev, keyFingerprint, instance), signer::sign);
            lines.write(line);
            lines.write('\n');
            nextSeq++;
            nextPrev = Receipts.sha256Hex(line);
            n++;
            giveWay.point();
        }
        write(file, lines);
        seq = nextSeq;
        prev = nextPrev;
        return n;
    }

    private ReceiptSigner signer() {
        ReceiptSigner s = signer;
        if (s == null) {
            prepareSigner();
            s = signer;
        }
        return s;
    }

    /** Makes the signer, once; any thread may call it (the writer, or a warm-up after the start). */
    public synchronized void prepareSigner() {
        if (signer == null) {
            ReceiptSigner s = ReceiptSigner.forKeys(keys);
            LOG.info("receipts are signed with {}'s Ed25519", s.implementation());
            signer = s;
        }
    }

    /** Appends and forces the lines to the day's file {@code path}, opening it first when it is not the open one. */
    private synchronized void write(Path path, Lines lines) throws IOException {
        Receipts.append(channelFor(path), lines.buffer());
    }

    /** Room for a typical receipt line in bytes. */
    private static final int LINE_BYTES = 1024;
    /** Room for a full batch of typical lines ({@code BackgroundWriter}'s 64), kept from batch to batch. */
    private static final int BATCH_BYTES = 64 * LINE_BYTES;

    /**
     * A batch's lines, handed to the file as they lie in the buffer (no copy). One buffer serves every
     * batch (the writer's, one at a time, as the chain's {@code seq} and {@code prev} are): a new one per
     * batch was ≈ 0.9 KB of garbage per call.
     */
    private static final class Lines extends ByteArrayOutputStream {
        Lines() {
            super(BATCH_BYTES);
        }

        ByteBuffer buffer() {
            return ByteBuffer.wrap(buf, 0, count);
        }

        /** Empty for the next batch; a buffer a batch of huge lines grew is let go. */
        void clear() {
            if (buf.length > 16 * BATCH_BYTES) {
                buf = new byte[BATCH_BYTES];
            }
            reset();
        }
    }

    private final Lines lines = new Lines();

    private FileChannel channelFor(Path path) throws IOException {
        if (file != null && path.equals(filePath) && isStillTheOpenFile(path)) {
            return file;
        }
        closeFile();
        SecureFiles.ensurePrivateFile(path);
        FileChannel opened = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        try {
            fileKey = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            opened.close();
            throw e;
        }
        file = opened;
        filePath = path;
        return opened;
    }

    /** False when the path now names another file, or none: the open one was moved or deleted. */
    private boolean isStillTheOpenFile(Path path) {
        try {
            return Objects.equals(Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey(),
                    fileKey);
        } catch (IOException e) {
            return false;
        }
    }

    private void closeFile() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                LOG.warn("closing the receipt file {} failed: {}", filePath, e.getMessage());
            }
            file = null;
            filePath = null;
            fileKey = null;
        }
    }

    /** Closes the open day's file (every receipt written is already forced to disk). */
    @Override
    public synchronized void close() {
        closeFile();
    }
}
