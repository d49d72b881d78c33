package dev.aegis.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** {@code aegis}: the command-line entry point. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        // Libraries the CLI runs in-process (the fake provider of `aegis doctor`) keep their INFO lines to themselves.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = AegisCli.forArguments(out, err, System.getenv(), args).execute(args);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
