package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CLI talks to the daemon over HTTP and files, never by calling its code: of the daemon module
 * it may use only the built-in fake provider (the upstream of `aegis doctor`).
 */
class CliLayeringTest {

    private static final Pattern IMPORT = Pattern.compile("^import (dev\\.aegis\\.[\\w.]+)\\.(\\w+);", Pattern.MULTILINE);

    @Test
    void theCliImportsNothingOfTheDaemonButTheFakeProvider() throws IOException {
        Path daemonSources = Path.of("../daemon/src/main/java");
        assertThat(daemonSources).isDirectory();
        List<String> offending;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            offending = files.filter(p -> p.toString().endsWith(".java")).flatMap(p -> {
                try {
                    Matcher m = IMPORT.matcher(Files.readString(p));
                    return m.results().map(r -> r.group(1) + "." + r.group(2) + " in " + p.getFileName()).toList().stream();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).filter(i -> {
                String type = i.substring(0, i.indexOf(' '));
                return Files.exists(daemonSources.resolve(type.replace('.', '/') + ".java"))
                        && !type.startsWith("dev.aegis.fakeprovider.");
            }).toList();
        }
        assertThat(offending).isEmpty();
    }
}
