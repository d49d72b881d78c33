package dev.aegis.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs the real command line in-process with a given environment and captures what it prints. */
record CliRun(int exitCode, String out, String err) {

    static CliRun run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // A daemon started from the test class path (no AOT cache) on a shared, loaded 2-core machine can
        // take longer than the 15 s a user waits at most; the wait ends as soon as it answers.
        Map<String, String> withWait = new java.util.HashMap<>(env);
        withWait.putIfAbsent("AEGIS_START_TIMEOUT", "90s");
        int code = AegisCli.forArguments(new PrintWriter(out, true), new PrintWriter(err, true), withWait, args).execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    static String[] args(String home, String... rest) {
        List<String> all = new ArrayList<>(List.of("--home", home));
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }

    String all() {
        return out + err;
    }
}
