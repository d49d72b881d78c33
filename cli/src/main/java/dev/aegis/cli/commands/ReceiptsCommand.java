package dev.aegis.cli.commands;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.cli.CliContext;
import dev.aegis.cli.CliException;
import dev.aegis.cli.ExitCode;
import dev.aegis.cli.Stores;
import dev.aegis.cli.daemon.DaemonLocator;
import dev.aegis.home.AegisHome;
import dev.aegis.json.Json;
import dev.aegis.receipts.Checkpoint;
import dev.aegis.receipts.KeyRotation;
import dev.aegis.receipts.ReceiptKeys;
import dev.aegis.receipts.ReceiptVerifier;
import dev.aegis.receipts.VerifyResult;
import dev.aegis.store.Database;
import dev.aegis.store.ReceiptHead;
import dev.aegis.store.ReceiptHeadStore;
import dev.aegis.store.ReceiptVerification;
import dev.aegis.store.ReceiptVerifications;
import dev.aegis.store.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code aegis receipts verify|pubkey|checkpoint|rotate}. */
@Command(
        name = "receipts",
        mixinStandardHelpOptions = true,
        description = "Check the signed receipt trail, export its public key, print a checkpoint to keep elsewhere, or rotate the key.",
        subcommands = {ReceiptsCommand.Verify.class, ReceiptsCommand.PublicKeyExport.class, ReceiptsCommand.CheckpointCommand.class,
            ReceiptsCommand.Rotate.class})
public final class ReceiptsCommand extends GroupCommand {

    private static Path privateKey(CliContext context) {
        return context.home().keysDir().resolve("receipts.key");
    }

    private static Path publicKey(CliContext context) {
        return context.home().keysDir().resolve("receipts.pub");
    }

    /** A key retired by a rotation, kept so the receipts it signed still verify. */
    private static Path retiredKey(CliContext context, ReceiptKeys.ReceiptPublicKey key) {
        return context.home().keysDir().resolve("receipts-" + ReceiptKeys.fingerprint(key).substring("ed25519:".length()) + ".pub");
    }

    /**
     * The public keys of this home: the one derived from {@code receipts.key}, {@code receipts.pub},
     * and the keys retired by rotations.
     */
    private static List<ReceiptKeys.ReceiptPublicKey> homeKeys(CliContext context) throws IOException {
        List<ReceiptKeys.ReceiptPublicKey> keys = new ArrayList<>();
        if (Files.exists(privateKey(context))) {
            keys.add(ReceiptKeys.load(privateKey(context)).publicKey());
        }
        if (Files.exists(publicKey(context))) {
            keys.add(ReceiptKeys.readPublic(publicKey(context)));
        }
        if (Files.isDirectory(context.home().keysDir())) {
            try (Stream<Path> s = Files.list(context.home().keysDir())) {
                for (Path p : s.filter(p -> p.getFileName().toString().matches("receipts-[0-9a-f]+\\.pub")).sorted().toList()) {
                    keys.add(ReceiptKeys.readPublic(p));
                }
            }
        }
        return keys;
    }

    /** What the store knows of the trail: its head and the highest receipt a usage row names. */
    private static ReceiptVerifier.Expectations fromStore(CliContext context, Checkpoint checkpoint, Set<String> expectKeys) {
        try (Database db = Stores.open(context)) {
            ReceiptHeadStore heads = new ReceiptHeadStore(db);
            return new ReceiptVerifier.Expectations(heads.head().orElse(null), heads.highestUsageReceipt(), checkpoint, expectKeys);
        }
    }

    /** Verifies this home's trail against its keys and its store; a CliException when it cannot be read. */
    private static VerifyResult verifyHomeTrail(CliContext context, Path folder) {
        try {
            List<ReceiptKeys.ReceiptPublicKey> keys = homeKeys(context);
            return new ReceiptVerifier(keys, Runtime.getRuntime().availableProcessors())
                    .verify(folder, fromStore(context, null, Set.of()));
        } catch (IOException e) {
            throw new CliException("cannot verify: " + e.getMessage());
        }
    }

    /** {@code aegis receipts verify}. */
    @Command(name = "verify", mixinStandardHelpOptions = true, description = {
        "Check every receipt's signature, the hash chain across all files and the seq order, and that the trail",
        "still reaches the head the store remembers and every receipt a usage row names.",
        "Exit 0 when intact; 1 naming the first bad receipt (file:line) and why. Works offline."})
    public static final class Verify implements Callable<Integer> {
        private final CliContext context;

        @Option(names = "--dir", paramLabel = "D", description = "Receipts folder (default: audit.dir, or $AEGIS_HOME/receipts). "
                + "A folder given here is checked by itself, without this home's store.")
        String dir;

        @Option(names = "--pubkey", paramLabel = "F", description = "Public key file (default: the keys of $AEGIS_HOME/keys).")
        String pubkey;

        @Option(names = "--expect-key", paramLabel = "FP", description = "Fail on any receipt not signed by this key "
                + "(its fingerprint, from `aegis receipts pubkey`); repeatable.")
        List<String> expectKeys = new ArrayList<>();

        @Option(names = "--checkpoint", paramLabel = "FILE", description = "A checkpoint from `aegis receipts checkpoint`: "
                + "the trail must still hold that receipt and everything before it.")
        String checkpoint;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        public Verify(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            Path folder = dir != null ? AegisHome.expandTilde(dir) : Stores.config(context).audit().dir();
            VerifyResult result;
            try {
                List<ReceiptKeys.ReceiptPublicKey> keys = pubkey != null
                        ? List.of(ReceiptKeys.readPublic(AegisHome.expandTilde(pubkey))) : homeKeys(context);
                Checkpoint cp = checkpoint == null ? null : readCheckpoint(AegisHome.expandTilde(checkpoint));
                Set<String> expected = new LinkedHashSet<>(expectKeys);
                ReceiptVerifier.Expectations expect = dir != null
                        ? new ReceiptVerifier.Expectations(null, 0, cp, expected) : fromStore(context, cp, expected);
                result = new ReceiptVerifier(keys, Runtime.getRuntime().availableProcessors()).verify(folder, expect);
            } catch (IOException e) {
                throw new CliException("cannot verify: " + e.getMessage());
            }
            if (dir == null) {
                record(folder, result);
            }
            if (json) {
                ObjectNode n = Json.mapper().createObjectNode().put("intact", result.intact())
                        .put("receipts", result.receipts()).put("files", result.files());
                if (!result.intact()) {
                    n.put("file", result.file()).put("line", result.line()).put("reason", result.reason());
                } else {
                    n.put("last_seq", result.lastSeq()).put("key", result.lastKey());
                    result.rotations().forEach(n.putArray("rotations")::add);
                }
                context.out().println(n);
            } else if (result.intact()) {
                context.out().println("Intact: " + result.receipts() + " receipts in " + result.files() + " file(s), "
                        + "every signature valid and the chain unbroken.");
                for (String rotation : result.rotations()) {
                    context.out().println("Key rotated at " + rotation);
                }
            } else {
                context.out().println("BROKEN at " + result.where() + ": " + result.reason());
                context.out().println(result.receipts() + " receipts before it are intact.");
            }
            return result.intact() ? ExitCode.OK : ExitCode.FAILED;
        }

        /** Remembers this check of the home's trail in the store, for the dashboard's receipts panel. */
        private void record(Path folder, VerifyResult result) {
            try (Database db = Stores.open(context)) {
                new ReceiptVerifications(db).record(folder, new ReceiptVerification(System.currentTimeMillis(), result.intact(),
                        result.receipts(), result.intact() ? result.lastSeq() : null,
                        result.intact() ? null : result.where() + ": " + result.reason()));
            } catch (StoreException e) {
                context.err().println("warning: the result was not recorded in the store: " + e.getMessage());
            }
        }

        private static Checkpoint readCheckpoint(Path file) throws IOException {
            try {
                return Checkpoint.parse(Files.readString(file, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new CliException(file + " is " + e.getMessage());
            }
        }
    }

    /** {@code aegis receipts pubkey}. */
    @Command(name = "pubkey", mixinStandardHelpOptions = true, description = {
        "Print the receipts' public key (PEM), derived from the private key, and its fingerprint,",
        "so someone else can verify them with --pubkey or --expect-key."})
    public static final class PublicKeyExport implements Callable<Integer> {
        private final CliContext context;

        public PublicKeyExport(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            Path keyFile = privateKey(context);
            if (!Files.exists(keyFile)) {
                throw new CliException("no receipt key at " + keyFile + " (the daemon creates it on first start; "
                        + "`aegis receipts rotate` makes a new one for an existing trail)");
            }
            try {
                ReceiptKeys.ReceiptPublicKey key = ReceiptKeys.load(keyFile).publicKey();
                context.out().print(new String(ReceiptKeys.publicPem(key), StandardCharsets.US_ASCII));
                context.out().println("fingerprint: " + ReceiptKeys.fingerprint(key));
            } catch (IOException e) {
                throw new CliException("cannot read " + keyFile + ": " + e.getMessage());
            }
            return ExitCode.OK;
        }
    }

    /** {@code aegis receipts checkpoint}. */
    @Command(name = "checkpoint", mixinStandardHelpOptions = true, description = {
        "Verify the trail, then print a signed checkpoint of its head (seq, hash, key fingerprint, time):",
        "one line to keep where this machine's user cannot change it (a ticket, a commit, an email).",
        "`aegis receipts verify --checkpoint FILE` later proves the trail still holds it."})
    public static final class CheckpointCommand implements Callable<Integer> {
        private final CliContext context;

        public CheckpointCommand(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            Path keyFile = privateKey(context);
            if (!Files.exists(keyFile)) {
                throw new CliException("no receipt key at " + keyFile + ": a checkpoint is signed with it");
            }
            VerifyResult result = verifyHomeTrail(context, Stores.config(context).audit().dir());
            if (!result.intact()) {
                throw new CliException("the trail is broken at " + result.where() + ": " + result.reason()
                        + "; a checkpoint is made of an intact trail only");
            }
            if (result.lastSeq() == 0) {
                throw new CliException("the trail holds no receipt yet");
            }
            try {
                ReceiptKeys.Pair keys = ReceiptKeys.load(keyFile);
                String fp = ReceiptKeys.fingerprint(keys.publicKey());
                if (!fp.equals(result.lastKey())) {
                    throw new CliException("the trail's last receipt is signed by " + result.lastKey() + ", not by " + fp
                            + " in " + keyFile);
                }
                context.out().println(Checkpoint.sign(keys, result.lastSeq(), result.lastHash(), Instant.now()).line());
            } catch (IOException e) {
                throw new CliException("cannot read " + keyFile + ": " + e.getMessage());
            }
            return ExitCode.OK;
        }
    }

    /** {@code aegis receipts rotate}. */
    @Command(name = "rotate", mixinStandardHelpOptions = true, description = {
        "Make a new receipt signing key and record the change in the trail: a rotation receipt signed by the",
        "old key (by the new one when the old key is lost, which verify reports). The daemon must be stopped."})
    public static final class Rotate implements Callable<Integer> {
        private final CliContext context;

        public Rotate(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            if (new DaemonLocator(context.home()).lockHeld()) {
                throw new CliException("the daemon is running; stop it first (`aegis stop`), then rotate");
            }
            Path folder = Stores.config(context).audit().dir();
            VerifyResult result = verifyHomeTrail(context, folder);
            if (!result.intact()) {
                throw new CliException("the trail is broken at " + result.where() + ": " + result.reason()
                        + "; rotate only an intact trail");
            }
            try {
                Path keyFile = privateKey(context);
                ReceiptKeys.Pair old = Files.exists(keyFile) ? ReceiptKeys.load(keyFile) : null;
                if (old != null && result.lastKey() != null && !ReceiptKeys.fingerprint(old.publicKey()).equals(result.lastKey())) {
                    throw new CliException(keyFile + " is not the key that signed the trail's last receipt (" + result.lastKey() + ")");
                }
                ReceiptKeys.Pair fresh = ReceiptKeys.generate();
                Files.createDirectories(folder);
                ReceiptHead head = KeyRotation.append(folder, new ReceiptHead(result.lastSeq(), result.lastHash(), result.lastKey()),
                        old, result.lastKey(), fresh, Instant.now());
                try (Database db = Stores.open(context)) {
                    new ReceiptHeadStore(db).set(head);
                }
                if (old != null) {
                    Files.write(retiredKey(context, old.publicKey()), ReceiptKeys.publicPem(old.publicKey()));
                } else if (Files.exists(publicKey(context))) {
                    ReceiptKeys.ReceiptPublicKey oldPublic = ReceiptKeys.readPublic(publicKey(context));
                    Files.write(retiredKey(context, oldPublic), ReceiptKeys.publicPem(oldPublic));
                }
                ReceiptKeys.save(fresh, keyFile, publicKey(context));
                context.out().println("Rotated at seq " + head.seq() + ": " + (result.lastKey() == null ? "(none)" : result.lastKey())
                        + " -> " + ReceiptKeys.fingerprint(fresh.publicKey()) + (old != null ? " (signed by the old key)"
                                : " (the old key is lost: the rotation is signed by the new key, and verify says so)"));
            } catch (IOException e) {
                throw new CliException("cannot rotate: " + e.getMessage());
            }
            return ExitCode.OK;
        }
    }
}
