package dev.aegis.home;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Owner-only folders (0700) and files (0600), written atomically so readers never see half a file. */
public final class SecureFiles {

    private static final Set<PosixFilePermission> DIR_PERMS = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_PERMS = PosixFilePermissions.fromString("rw-------");

    private SecureFiles() {}

    /** Creates the folder and any missing parents; the folder itself is made 0700. */
    public static void createPrivateDirectories(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            try {
                Files.createDirectories(dir);
            } catch (FileAlreadyExistsException e) {
                throw new IOException(dir + " exists and is not a folder", e);
            }
        }
        setPermissions(dir, DIR_PERMS);
    }

    /** Writes the bytes to a temporary file beside the target, makes it 0600 and moves it into place. */
    public static void writeAtomically(Path target, byte[] content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        createPrivateDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            setPermissions(temp, FILE_PERMS);
            Files.write(temp, content);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Creates an empty 0600 file if it does not exist yet, or tightens an existing one to 0600. */
    public static void ensurePrivateFile(Path file) throws IOException {
        if (!Files.exists(file)) {
            createPrivateDirectories(file.toAbsolutePath().getParent());
            Files.createFile(file);
        }
        setPermissions(file, FILE_PERMS);
    }

    private static void setPermissions(Path path, Set<PosixFilePermission> perms) throws IOException {
        try {
            Files.setPosixFilePermissions(path, perms);
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system (e.g. Windows): the folder's ACLs apply instead.
        }
    }
}
