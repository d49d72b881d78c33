package dev.aegis.control;

import dev.aegis.home.AegisHome;

/**
 * What {@code aegis start} prints once the daemon answers: said by the CLI, or by a daemon that
 * the launcher script started alone (docs/STARTUP.md), in the same words.
 */
public final class StartMessage {

    private StartMessage() {}

    /** The lines, each ended by a newline. */
    public static String running(DaemonState s, AegisHome home) {
        return "Aegis " + s.version() + " is running at " + s.url() + " (pid " + s.pid() + ")\n"
                + "  OpenAI clients:    export OPENAI_BASE_URL=" + s.url() + "/v1\n"
                + "  Anthropic clients: export ANTHROPIC_BASE_URL=" + s.url() + "\n"
                + "  Logs: " + home.daemonLog() + "   Stop: aegis stop\n";
    }
}
