package dev.aegis.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class McpSessionsTest {

    private final McpSessions sessions = new McpSessions();

    @Test
    void aKeyInitializingInALoopNeverForgetsAnotherKeysSession() {
        McpSessions.Session mine = sessions.open("files", "key-a", "2025-06-18");
        List<McpSessions.Session> theirs = new ArrayList<>();
        for (int i = 0; i < 150_000; i++) { // beyond what all keys together could keep before (100,000)
            theirs.add(sessions.open("files", "key-b", "2025-06-18"));
        }
        assertThat(sessions.find(mine.id(), "files", "key-a")).contains(mine);
        long kept = theirs.stream().filter(s -> sessions.find(s.id(), "files", "key-b").isPresent()).count();
        assertThat(kept).as("key-b's own sessions make room for each other").isBetween(1L, (long) McpSessions.PER_KEY + 100);
    }

    @Test
    void aSessionIsFoundOnlyForItsKeyAndServerAndNotOnceClosed() {
        McpSessions.Session s = sessions.open("files", "key-a", "2025-06-18");
        assertThat(sessions.find(s.id(), "files", "key-b")).isEmpty();
        assertThat(sessions.find(s.id(), "search", "key-a")).isEmpty();
        assertThat(sessions.find(null, "files", "key-a")).isEmpty();
        sessions.close(s);
        assertThat(sessions.find(s.id(), "files", "key-a")).isEmpty();
    }
}
