package dev.aegis.cli;

import dev.aegis.store.StoreException;
import dev.aegis.store.StoreUnavailableException;
import java.util.List;
import java.util.Locale;

/**
 * A failure of the store as the command line reports it: one line saying what failed, as the store
 * put it, and what to check (a full disk, a lock, permissions), never an exception's class name
 * (found by an outside review: {@code aegis keygen} on a full disk printed "unexpected error:
 * dev.aegis.store.StoreException: ...").
 */
final class StoreFailures {

    /** Words of SQLite's and PostgreSQL's messages, and the hint each calls for; the first that matches is given. */
    private record Hint(List<String> words, String text) {}

    private static final List<Hint> HINTS = List.of(
            new Hint(List.of("sqlite_full", "disk is full", "no space left", "could not extend file", "disk quota"),
                    "the disk holding the database is full: free some space and run the command again"),
            new Hint(List.of("sqlite_busy", "sqlite_locked", "database is locked", "table is locked"),
                    "another process holds the database locked: run the command again in a moment"),
            new Hint(List.of("sqlite_readonly", "sqlite_cantopen", "sqlite_perm", "sqlite_auth", "permission denied",
                    "read-only", "readonly"), "check that this user may read and write the home folder and its database file"),
            new Hint(List.of("sqlite_corrupt", "sqlite_notadb", "malformed", "not a database"),
                    "the database file is damaged or not an Aegis database: restore it from a backup"));

    private static final String UNAVAILABLE = "is the database server up and reachable from here (store.url)?";
    private static final String OTHER = "check that the disk has free space and that the database file is writable and"
            + " not locked by another process";

    private StoreFailures() {}

    /** What failed and what to check, in one line for {@code aegis: ...}. */
    static String message(StoreException e) {
        return String.valueOf(e.getMessage()).strip().replaceAll("\\s*\\R\\s*", " ") + " - " + hint(e);
    }

    /** The words' hint first: a SQLite file locked or on a full disk is unavailable too, but not a server that is down. */
    private static String hint(StoreException e) {
        String said = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return HINTS.stream().filter(h -> h.words().stream().anyMatch(said::contains)).findFirst()
                .map(Hint::text).orElse(e instanceof StoreUnavailableException ? UNAVAILABLE : OTHER);
    }
}
