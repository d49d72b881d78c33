package dev.aegis.daemon;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The arguments of an early-launched daemon (docs/STARTUP.md): the launcher script starts its JVM
 * beside the CLI's, and the CLI, once it has decided to start a daemon, writes the arguments to
 * the daemon's standard input, one per line, ended by an empty line.
 */
final class EarlyArguments {

    private EarlyArguments() {}

    /**
     * Reads up to the empty line. Nothing (the CLI ended, or found a daemon already running, without
     * writing anything) or an unfinished list gives no arguments: this JVM was not needed.
     */
    static String[] read(InputStream in) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        List<String> args = new ArrayList<>();
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isEmpty()) {
                return args.toArray(String[]::new);
            }
            args.add(line);
        }
        return new String[0];
    }
}
