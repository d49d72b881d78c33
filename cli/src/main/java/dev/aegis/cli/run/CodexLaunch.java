package dev.aegis.cli.run;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where in an agent's command line Codex's own arguments begin, so {@code aegis run} can give it the
 * Aegis provider: Codex run directly ({@code codex ...}, a path to it, {@code node .../codex.js}) or
 * through a package runner ({@code npx codex}, {@code npx @openai/codex@0.171}, {@code pnpm dlx},
 * {@code yarn dlx}, {@code npm exec --}, {@code bunx}). Run through a runner, Codex got no provider
 * and called api.openai.com with the run's Aegis key.
 */
public final class CodexLaunch {

    private static final Set<String> RUNNERS = Set.of("npx", "bunx", "pnpx");
    /** Runners whose subcommand runs a package: {@code pnpm dlx}, {@code yarn dlx}, {@code npm exec}. */
    private static final Set<String> RUNNERS_WITH_SUBCOMMAND = Set.of("pnpm", "yarn", "npm");
    private static final Set<String> RUN_SUBCOMMANDS = Set.of("dlx", "exec", "x");
    /** Runner options that take the next word as their value. */
    private static final Set<String> OPTIONS_WITH_VALUE = Set.of("-p", "--package", "-c", "--call", "--cache", "--registry");

    private CodexLaunch() {}

    /** The index of the first of Codex's own arguments in {@code command}, or -1 when it does not run Codex. */
    public static int argumentsAt(List<String> command) {
        if (command.isEmpty()) {
            return -1;
        }
        String program = name(command.getFirst());
        if (isCodex(program)) {
            return 1;
        }
        if (program.equals("node") && command.size() > 1 && isCodexScript(command.get(1))) {
            return 2;
        }
        int i = 1;
        if (RUNNERS_WITH_SUBCOMMAND.contains(program)) {
            if (command.size() < 2 || !RUN_SUBCOMMANDS.contains(command.get(1))) {
                return -1;
            }
            i = 2;
        } else if (!RUNNERS.contains(program)) {
            return -1;
        }
        for (; i < command.size(); i++) {
            String word = command.get(i);
            if (word.equals("--")) {
                continue;
            }
            if (OPTIONS_WITH_VALUE.contains(word)) {
                i++; // its value
                continue;
            }
            if (word.startsWith("-")) {
                continue;
            }
            return isCodexPackage(word) ? i + 1 : -1;
        }
        return -1;
    }

    private static String name(String path) {
        Path file = Path.of(path).getFileName();
        return file == null ? path : file.toString().toLowerCase(Locale.ROOT);
    }

    private static boolean isCodex(String name) {
        return name.equals("codex") || name.equals("codex.exe") || name.equals("codex.cmd");
    }

    private static boolean isCodexScript(String path) {
        String name = name(path);
        return name.equals("codex.js") || name.equals("codex") || name.equals("codex.mjs");
    }

    /** {@code codex}, {@code @openai/codex}, either with {@code @version}. */
    private static boolean isCodexPackage(String word) {
        String name = word.startsWith("@") ? word.substring(1) : word;
        int version = name.indexOf('@');
        if (version >= 0) {
            name = name.substring(0, version);
        }
        return name.equals("codex") || name.equals("openai/codex");
    }
}
