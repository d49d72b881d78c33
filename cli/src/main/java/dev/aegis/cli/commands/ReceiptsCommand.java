package dev.aegis.cli.commands;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.cli.CliContext;
import dev.aegis.cli.CliException;
import dev.aegis.cli.ExitCode;
import dev.aegis.cli.Stores;
import dev.aegis.home.AegisHome;
import dev.aegis.json.Json;
import dev.aegis.receipts.ReceiptKeys;
import dev.aegis.receipts.ReceiptVerifier;
import dev.aegis.receipts.VerifyResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code aegis receipts verify|pubkey}. */
@Command(
        name = "receipts",
        mixinStandardHelpOptions = true,
        description = "Check the signed receipt trail, or export the public key others verify it with.",
        subcommands = {ReceiptsCommand.Verify.class, ReceiptsCommand.PublicKeyExport.class})
public final class ReceiptsCommand extends GroupCommand {

    private static Path defaultPublicKey(CliContext context) {
        return context.home().keysDir().resolve("receipts.pub");
    }

    /** {@code aegis receipts verify}. */
    @Command(name = "verify", mixinStandardHelpOptions = true, description = {
        "Check every receipt's signature, the hash chain across all files and the seq order.",
        "Exit 0 when intact; 1 naming the first bad receipt (file:line) and why. Works offline."})
    public static final class Verify implements Callable<Integer> {
        private final CliContext context;

        @Option(names = "--dir", paramLabel = "D", description = "Receipts folder (default: audit.dir, or $AEGIS_HOME/receipts).")
        String dir;

        @Option(names = "--pubkey", paramLabel = "F", description = "Public key file (default: $AEGIS_HOME/keys/receipts.pub).")
        String pubkey;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        public Verify(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            Path folder = dir != null ? AegisHome.expandTilde(dir) : Stores.config(context).audit().dir();
            Path keyFile = pubkey != null ? AegisHome.expandTilde(pubkey) : defaultPublicKey(context);
            VerifyResult result;
            try {
                ReceiptKeys.ReceiptPublicKey key = ReceiptKeys.readPublic(keyFile);
                result = new ReceiptVerifier(key).verify(folder);
            } catch (IOException e) {
                throw new CliException("cannot verify: " + e.getMessage());
            }
            if (json) {
                ObjectNode n = Json.mapper().createObjectNode().put("intact", result.intact())
                        .put("receipts", result.receipts()).put("files", result.files());
                if (!result.intact()) {
                    n.put("file", result.file()).put("line", result.line()).put("reason", result.reason());
                }
                context.out().println(n);
            } else if (result.intact()) {
                context.out().println("Intact: " + result.receipts() + " receipts in " + result.files() + " file(s), "
                        + "every signature valid and the chain unbroken.");
            } else {
                context.out().println("BROKEN at " + result.file() + ":" + result.line() + ": " + result.reason());
                context.out().println(result.receipts() + " receipts before it are intact.");
            }
            return result.intact() ? ExitCode.OK : ExitCode.FAILED;
        }
    }

    /** {@code aegis receipts pubkey}. */
    @Command(name = "pubkey", mixinStandardHelpOptions = true,
            description = "Print the receipts' public key (PEM) so someone else can verify them with --pubkey.")
    public static final class PublicKeyExport implements Callable<Integer> {
        private final CliContext context;

        public PublicKeyExport(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            Path keyFile = defaultPublicKey(context);
            if (!Files.exists(keyFile)) {
                throw new CliException("no receipt key yet at " + keyFile + " (the daemon creates it on first start)");
            }
            try {
                context.out().print(Files.readString(keyFile));
            } catch (IOException e) {
                throw new CliException("cannot read " + keyFile + ": " + e.getMessage());
            }
            return ExitCode.OK;
        }
    }
}
