package dev.aegis.records;

import com.fasterxml.jackson.databind.JavaType;
import dev.aegis.home.SecureFiles;
import dev.aegis.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a stopping daemon could not write to its database (a shared PostgreSQL down through the
 * whole stop), kept as JSON lines in files of their own (0600) in {@code <home>/spool/}, and written
 * to the database by the next start, so a graceful stop loses nothing.
 */
public final class Spool<T> {

    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);

    private final Path dir;
    private final String name;
    private final JavaType type;

    public Spool(Path dir, String name, Class<T> type) {
        this.dir = dir;
        this.name = name;
        this.type = Json.mapper().constructType(type);
    }

    /** Keeps these records in a new file (a writer's leftovers at its stop). */
    public void keep(List<T> records) {
        if (records.isEmpty()) {
            return;
        }
        StringBuilder lines = new StringBuilder();
        try {
            for (T r : records) {
                lines.append(Json.mapper().writeValueAsString(r)).append('\n');
            }
            SecureFiles.createPrivateDirectories(dir);
            SecureFiles.writeAtomically(dir.resolve(name + "-" + System.currentTimeMillis() + "-" + UUID.randomUUID() + ".jsonl"),
                    lines.toString().getBytes(StandardCharsets.UTF_8));
            LOG.warn("{} {} records kept in {} until the database can take them (the next start writes them)",
                    records.size(), name, dir);
        } catch (IOException e) {
            LOG.error("{} {} records are lost: they could not be written to the database nor kept in {} ({})", records.size(),
                    name, dir, e.getMessage());
        }
    }

    /** Hands every kept file's records to {@code write}, deleting each file once written; how many there were. */
    public int replay(Consumer<List<T>> write) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> found = Files.newDirectoryStream(dir, name + "-*.jsonl")) {
            found.forEach(files::add);
        }
        files.sort(null);
        int count = 0;
        for (Path file : files) {
            List<T> records = new ArrayList<>();
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (!line.isBlank()) {
                        records.add(Json.mapper().readValue(line, type));
                    }
                }
            }
            write.accept(records);
            Files.delete(file);
            count += records.size();
        }
        return count;
    }
}
