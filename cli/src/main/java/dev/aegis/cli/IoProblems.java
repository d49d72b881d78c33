package dev.aegis.cli;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** A file's failure in words a user can act on: the JDK's own message is often just a path, or a decoder's count. */
public final class IoProblems {

    private IoProblems() {}

    public static String describe(IOException e) {
        return switch (e) {
            case NoSuchFileException f -> "no such file or folder: " + f.getFile();
            case AccessDeniedException f -> "permission denied: " + f.getFile();
            case FileSystemException f when f.getReason() != null -> f.getFile() + ": " + f.getReason();
            case CharacterCodingException c -> "a file is not UTF-8 text";
            default -> String.valueOf(e.getMessage());
        };
    }
}
