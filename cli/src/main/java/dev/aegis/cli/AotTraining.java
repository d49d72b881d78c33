package dev.aegis.cli;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * The CLI's AOT training run (install.sh, JDK 25+): a short session of the commands users run most,
 * in one JVM, so that the classes and profiles of each of them go into the CLI's AOT cache. A
 * cache trained on one command alone left the others loading hundreds of classes from the jars
 * (docs/STARTUP.md). Runs in a throwaway home; prints nothing.
 */
public final class AotTraining {

    static final List<List<String>> SESSION = List.of(
            List.of("--version"),
            List.of("start", "--port", "0"),
            List.of("status"),
            List.of("keygen", "--name", "aot-training"),
            List.of("keys", "list"),
            List.of("usage"),
            List.of("receipts", "verify"),
            List.of("stop"));

    private AotTraining() {}

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Map<String, String> env = System.getenv();
        int failed = 0;
        for (List<String> command : SESSION) {
            String[] a = command.toArray(String[]::new);
            PrintWriter quiet = new PrintWriter(OutputStream.nullOutputStream(), true);
            if (AegisCli.forArguments(quiet, quiet, env, a).execute(a) != ExitCode.OK) {
                failed++;
            }
        }
        System.exit(failed == 0 ? 0 : 1);
    }
}
