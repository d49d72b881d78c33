package dev.aegis.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real PostgreSQL for a test class, started before its tests and stopped (its data folder
 * removed) after them: {@code @RegisterExtension static final PostgresServer postgres = new PostgresServer();}
 * then {@code postgres.server()}.
 */
public final class PostgresServer implements BeforeAllCallback, AfterAllCallback {

    private Path data;
    private TestPostgres server;

    public TestPostgres server() {
        return server;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        data = Files.createTempDirectory("aegis-postgres");
        server = TestPostgres.start(data.resolve("pg"));
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            server.close();
        } finally {
            try (Stream<Path> files = Files.walk(data)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
