package dev.aegis.cli.commands;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.cli.CliContext;
import dev.aegis.cli.CliException;
import dev.aegis.cli.ExitCode;
import dev.aegis.cli.IoProblems;
import dev.aegis.cli.Stores;
import dev.aegis.cli.daemon.DaemonLocator;
import dev.aegis.home.AegisHome;
import dev.aegis.json.Json;
import dev.aegis.receipts.Checkpoint;
import dev.aegis.receipts.KeyRotation;
import dev.aegis.receipts.ReceiptInstance;
import dev.aegis.receipts.ReceiptKeys;
import dev.aegis.receipts.ReceiptTrail;
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
import picocli.CommandLine.Parameters;

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
     * The public keys of this home: the one derived from {@code receipts.key}, {@code receipts.pub} (when
     * there is no private key, or it is its public half), and the keys retired by rotations.
     */
    private static List<ReceiptKeys.ReceiptPublicKey> homeKeys(CliContext context) throws IOException {
        List<ReceiptKeys.ReceiptPublicKey> keys = new ArrayList<>();
        ReceiptKeys.ReceiptPublicKey derived = null;
        if (Files.exists(privateKey(context))) {
            derived = ReceiptKeys.load(privateKey(context)).publicKey();
            keys.add(derived);
        }
        if (Files.exists(publicKey(context))) {
            ReceiptKeys.ReceiptPublicKey pub = ReceiptKeys.readPublic(publicKey(context));
            if (derived == null || ReceiptKeys.fingerprint(pub).equals(ReceiptKeys.fingerprint(derived))) {
                keys.add(pub);
            } else {
                // A public key beside the private one that is not its half: trusted, it would let receipts signed
                // with any key verify. Not trusted, and said.
                context.err().println("aegis: warning: keys/receipts.pub (" + ReceiptKeys.fingerprint(pub) + ") is not the"
                        + " public half of keys/receipts.key (" + ReceiptKeys.fingerprint(derived) + "): it is not trusted"
                        + " (`aegis receipts pubkey` prints the real one)");
            }
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

    /** The home's instance id (keys/receipts.instance), or null before its daemon first signed a receipt. */
    private static String homeInstance(CliContext context) throws IOException {
        return ReceiptInstance.read(context.home().keysDir().resolve(ReceiptInstance.FILE)).orElse(null);
    }

    /**
     * The home's own trail: its folder, of this home's instance id (its receipts must name it: another
     * daemon's trail in its place is not this home's), or, for a home without one, of the instance its
     * receipts name.
     */
    private static ReceiptTrail homeTrail(CliContext context, Path folder) throws IOException {
        ReceiptTrail trail = ReceiptTrail.folder(folder);
        String home = homeInstance(context);
        return home == null ? trail : new ReceiptTrail(trail.where(), trail.files(), home);
    }

    /**
     * What the store knows of an instance's trail: its head and the highest receipt its usage rows name;
     * for the home's own trail ({@code own}), also the instance its receipts must name.
     */
    private static ReceiptVerifier.Expectations fromStore(ReceiptHeadStore heads, String instance, Checkpoint checkpoint,
            Set<String> expectKeys, boolean own, String ownKey) {
        return new ReceiptVerifier.Expectations(heads.head(instance).orElse(null), heads.highestUsageReceipt(instance), checkpoint,
                expectKeys, own ? instance : null, own ? ownKey : null);
    }

    /**
     * The fingerprint of the key this home's daemon signs with (from {@code receipts.key}), which its own trail
     * must end in; null when the home has no private key.
     */
    private static String ownKey(CliContext context) throws IOException {
        return Files.exists(privateKey(context)) ? ReceiptKeys.fingerprint(ReceiptKeys.load(privateKey(context)).publicKey()) : null;
    }

    /** Verifies this home's trail against its keys and its store; a CliException when it cannot be read. */
    private static VerifyResult verifyHomeTrail(CliContext context, Path folder) {
        try (Database db = Stores.open(context)) {
            List<ReceiptKeys.ReceiptPublicKey> keys = homeKeys(context);
            ReceiptTrail trail = homeTrail(context, folder);
            return new ReceiptVerifier(keys, Runtime.getRuntime().availableProcessors())
                    .verify(trail, fromStore(new ReceiptHeadStore(db), trail.instance(), null, Set.of(), true, ownKey(context)));
        } catch (IOException e) {
            throw new CliException("cannot verify: " + IoProblems.describe(e));
        }
    }

    /** {@code aegis receipts verify}. */
    @Command(name = "verify", mixinStandardHelpOptions = true, description = {
        "Check every receipt's signature, the hash chain across all files and the seq order.",
        "Each trail must still reach the head the store keeps for its daemon instance and every receipt its usage",
        "rows name.",
        "Give one or several daemons' receipt folders (or files) to check each daemon's chain; by default this home's.",
        "Exit 0 when every trail is intact; 1 naming, per instance, the first bad receipt (file:line) and why."})
    public static final class Verify implements Callable<Integer> {
        private final CliContext context;

        @Parameters(arity = "0..*", paramLabel = "PATH", description = "Receipts folders or files, each daemon's trail checked "
                + "against its instance's head in this home's store (default: audit.dir, or $AEGIS_HOME/receipts).")
        List<String> paths = new ArrayList<>();

        @Option(names = "--dir", paramLabel = "D", description = "A receipts folder checked by itself, without this home's store "
                + "(offline, anywhere).")
        String dir;

        @Option(names = "--pubkey", paramLabel = "F", description = "Public key file (default: the keys of $AEGIS_HOME/keys); "
                + "repeatable, one per daemon whose trail is given.")
        List<String> pubkeys = new ArrayList<>();

        @Option(names = "--expect-key", paramLabel = "FP", description = "Fail on any receipt not signed by this key "
                + "(its fingerprint, from `aegis receipts pubkey`); repeatable.")
        List<String> expectKeys = new ArrayList<>();

        @Option(names = "--checkpoint", paramLabel = "FILE", description = "A checkpoint from `aegis receipts checkpoint`: "
                + "the trail must still hold that receipt and everything before it (one trail only).")
        String checkpoint;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        public Verify(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            try {
                return verify();
            } catch (CliException e) {
                if (json) { // a script reading the JSON gets JSON too; the message still goes to stderr
                    context.out().println(Json.mapper().createObjectNode().put("intact", false).put("error", e.getMessage()));
                }
                throw e;
            }
        }

        private int verify() {
            if (dir != null && !paths.isEmpty()) {
                throw CliException.usage("give receipts either as PATH (checked against the store) or with --dir (checked by itself)");
            }
            List<VerifyResult> results = new ArrayList<>();
            List<ReceiptTrail> trails;
            List<ReceiptHead> notGiven = new ArrayList<>();
            try {
                List<ReceiptKeys.ReceiptPublicKey> keys = new ArrayList<>();
                for (String p : pubkeys) {
                    keys.add(ReceiptKeys.readPublic(AegisHome.expandTilde(p)));
                }
                String ownKey = null; // with --pubkey the keys are the user's choice, the home's key no anchor
                if (keys.isEmpty()) {
                    keys = homeKeys(context);
                    ownKey = ownKey(context);
                }
                Checkpoint cp = checkpoint == null ? null : readCheckpoint(AegisHome.expandTilde(checkpoint));
                Set<String> expected = new LinkedHashSet<>(expectKeys);
                if ((dir != null && dir.isBlank()) || paths.stream().anyMatch(String::isBlank)) {
                    throw CliException.usage("an empty receipts folder name (an unset variable?): give the folder to check");
                }
                trails = dir != null ? List.of(ReceiptTrail.folder(AegisHome.expandTilde(dir)))
                        : paths.isEmpty() ? List.of(homeTrail(context, Stores.config(context).audit().dir()))
                        : ReceiptTrail.given(paths.stream().map(AegisHome::expandTilde).toList());
                for (ReceiptTrail trail : dir != null || !paths.isEmpty() ? trails : List.<ReceiptTrail>of()) {
                    if (trail.files().isEmpty()) {
                        // A folder given by name that holds no receipt: a mistyped path, not an intact trail.
                        throw new CliException("no receipt files (YYYY-MM-DD.jsonl) in " + trail.where() + ": nothing to verify");
                    }
                }
                if (cp != null && trails.size() > 1) {
                    throw new CliException("--checkpoint names one trail's receipt: give one trail with it");
                }
                ReceiptVerifier verifier = new ReceiptVerifier(keys, Runtime.getRuntime().availableProcessors());
                if (dir != null) {
                    results.add(verifier.verify(trails.getFirst(), new ReceiptVerifier.Expectations(null, 0, cp, expected, null, ownKey)));
                } else {
                    try (Database db = Stores.open(context)) {
                        ReceiptHeadStore heads = new ReceiptHeadStore(db);
                        for (ReceiptTrail trail : trails) {
                            results.add(verifier.verify(trail, fromStore(heads, trail.instance(), cp, expected, paths.isEmpty(), ownKey)));
                        }
                        if (!paths.isEmpty()) {
                            Set<String> given = new java.util.HashSet<>();
                            trails.forEach(t -> given.add(String.valueOf(t.instance())));
                            heads.heads().stream().filter(h -> !given.contains(String.valueOf(h.instance()))).forEach(notGiven::add);
                        }
                    }
                }
            } catch (IOException e) {
                throw new CliException("cannot verify: " + IoProblems.describe(e));
            }
            if (dir == null) { // checked against this home's store: the dashboard shows each trail's last verify
                for (int i = 0; i < results.size(); i++) {
                    record(trails.get(i).where(), results.get(i));
                }
            }
            boolean intact = results.stream().allMatch(VerifyResult::intact);
            if (json) {
                context.out().println(asJson(results, notGiven));
            } else {
                for (int i = 0; i < results.size(); i++) {
                    print(results.get(i), results.size() > 1 || results.get(i).instance() != null
                            ? label(results.get(i), trails.get(i)) + ": " : "");
                }
                for (ReceiptHead h : notGiven) {
                    context.out().println("Not checked: " + (h.instance() == null ? "the trail without an instance id"
                            : "instance " + h.instance()) + " (the store's head is seq " + h.seq() + "); give its receipts to check it.");
                }
            }
            return intact ? ExitCode.OK : ExitCode.FAILED;
        }

        private static String label(VerifyResult result, ReceiptTrail trail) {
            return result.instance() != null ? "instance " + result.instance() : trail.where() + " (no instance id)";
        }

        private void print(VerifyResult result, String prefix) {
            if (result.intact()) {
                context.out().println(prefix + "Intact: " + result.receipts() + " receipts in " + result.files() + " file(s), "
                        + "every signature valid and the chain unbroken.");
                for (String rotation : result.rotations()) {
                    context.out().println(prefix + "Key rotated at " + rotation);
                }
            } else {
                context.out().println(prefix + "BROKEN at " + result.where() + ": " + result.reason());
                context.out().println(prefix + result.receipts() + " receipts before it are intact.");
            }
        }

        /**
         * One trail's fields at the top (the first broken one's, or the only one's; sums when several
         * are intact), and every trail's under {@code instances}.
         */
        private static ObjectNode asJson(List<VerifyResult> results, List<ReceiptHead> notGiven) {
            VerifyResult top = results.stream().filter(r -> !r.intact()).findFirst()
                    .orElse(results.size() == 1 ? results.getFirst() : null);
            ObjectNode n;
            if (top != null) {
                n = fields(top);
                n.put("intact", results.stream().allMatch(VerifyResult::intact));
            } else {
                n = Json.mapper().createObjectNode().put("intact", true)
                        .put("receipts", results.stream().mapToLong(VerifyResult::receipts).sum())
                        .put("files", results.stream().mapToInt(VerifyResult::files).sum());
            }
            results.forEach(r -> n.withArray("instances").add(fields(r)));
            notGiven.forEach(h -> n.withArray("not_checked").addObject().put("instance", h.instance()).put("head_seq", h.seq()));
            return n;
        }

        private static ObjectNode fields(VerifyResult result) {
            ObjectNode n = Json.mapper().createObjectNode().put("instance", result.instance()).put("intact", result.intact())
                    .put("receipts", result.receipts()).put("files", result.files());
            if (!result.intact()) {
                n.put("file", result.file()).put("line", result.line()).put("reason", result.reason());
            } else {
                n.put("last_seq", result.lastSeq()).put("key", result.lastKey());
                result.rotations().forEach(n.withArray("rotations")::add);
            }
            return n;
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
        "Print the receipts' public key (PEM) and its fingerprint, for others to verify the trail.",
        "Derived from the private key; give it to them for --pubkey or --expect-key."})
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
                throw new CliException("cannot read " + keyFile + ": " + IoProblems.describe(e));
            }
            return ExitCode.OK;
        }
    }

    /** {@code aegis receipts checkpoint}. */
    @Command(name = "checkpoint", mixinStandardHelpOptions = true, description = {
        "Verify the trail, then print a signed checkpoint of its head to keep elsewhere.",
        "One line (seq, hash, key fingerprint, time) to keep where this machine's user cannot change it",
        "(a ticket, a commit, an email).",
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
                throw new CliException("cannot read " + keyFile + ": " + IoProblems.describe(e));
            }
            return ExitCode.OK;
        }
    }

    /** {@code aegis receipts rotate}. */
    @Command(name = "rotate", mixinStandardHelpOptions = true, description = {
        "Make a new receipt signing key and record the change in the trail. The daemon must be stopped.",
        "The rotation receipt is signed by the old key (by the new one when the old key is lost, which verify",
        "reports)."})
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
                String instance = ReceiptInstance.loadOrCreate(context.home().keysDir().resolve(ReceiptInstance.FILE));
                ReceiptHead head = KeyRotation.append(folder, new ReceiptHead(result.lastSeq(), result.lastHash(), result.lastKey()),
                        old, result.lastKey(), fresh, instance, Instant.now());
                try (Database db = Stores.open(context)) {
                    ReceiptHeadStore heads = new ReceiptHeadStore(db);
                    if (result.lastKey() != null) {
                        heads.adopt(instance, result.lastKey());
                    }
                    heads.set(head);
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
                throw new CliException("cannot rotate: " + IoProblems.describe(e));
            }
            return ExitCode.OK;
        }
    }
}
