package dev.aegis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The proxy's call logic (and the admission and streaming steps it runs) knows HTTP only through
 * {@link dev.aegis.http.Exchange}, never Javalin, the servlet API or Jetty: so the call exists once
 * whichever server carries it (docs/adr/0007-a-front-of-our-own-for-the-proxy-routes.md). The front
 * itself is server-neutral too: only its connector (dev.aegis.http.FrontConnector) knows Jetty.
 */
class ServerNeutralityTest {

    private static final List<String> SERVER_PACKAGES = List.of("io.javalin", "jakarta.servlet", "org.eclipse.jetty");

    @Test
    void theCallsLogicImportsNoServer() throws IOException {
        List<String> offenders;
        try (Stream<Path> files = Stream.of("proxy", "admission", "streaming", "front")
                .map(p -> Path.of("src/main/java/dev/aegis", p))
                .flatMap(ServerNeutralityTest::javaFiles)) {
            offenders = files.filter(ServerNeutralityTest::importsAServer).map(Path::toString).toList();
        }
        assertThat(offenders).isEmpty();
    }

    @Test
    void theCheckSeesAnImportOfAServer() throws IOException {
        Path file = Files.createTempFile("Uses", ".java");
        try {
            Files.writeString(file, "package x;\n\nimport io.javalin.http.Context;\n");
            assertThat(importsAServer(file)).isTrue();
            Files.writeString(file, "package x;\n\nclass Uses { org.eclipse.jetty.server.Request r; }\n");
            assertThat(importsAServer(file)).isTrue();
            Files.writeString(file, "package x;\n\nimport dev.aegis.http.Exchange;\n");
            assertThat(importsAServer(file)).isFalse();
        } finally {
            Files.delete(file);
        }
    }

    private static Stream<Path> javaFiles(Path dir) {
        assertThat(dir).isDirectory();
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(f -> f.toString().endsWith(".java")).toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Imported or named in full anywhere in the file. */
    private static boolean importsAServer(Path file) {
        try {
            String source = Files.readString(file);
            return SERVER_PACKAGES.stream().anyMatch(p -> source.contains(p + "."));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
