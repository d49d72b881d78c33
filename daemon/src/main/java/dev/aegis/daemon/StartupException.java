package dev.aegis.daemon;

/** The daemon cannot start; the message is one line a user can act on. */
final class StartupException extends Exception {
    StartupException(String message) {
        super(message, null, false, false);
    }
}
