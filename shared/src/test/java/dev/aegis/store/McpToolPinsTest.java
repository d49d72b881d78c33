package dev.aegis.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Approved MCP tools and tool-call usage rows, the same on SQLite and on PostgreSQL (migration V9). */
class McpToolPinsTest {

    @TempDir
    Path temp;

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void approvalReplacesTheServersPinsOnly(Dialect dialect) {
        try (Database db = TestStores.open(dialect, temp)) {
            McpToolPins pins = new McpToolPins(db);
            assertThat(pins.pins("files")).isEmpty(); // never approved
            pins.approve("files", Map.of("read", new McpToolPins.Pin("aa", "{\"name\":\"read\"}"),
                    "write", new McpToolPins.Pin("bb", "{\"name\":\"write\"}")), 1_000);
            pins.approve("search", Map.of("query", new McpToolPins.Pin("cc", "{}")), 1_000);
            pins.approve("files", Map.of("read", new McpToolPins.Pin("dd", "{\"name\":\"read\",\"v\":2}")), 2_000);
            assertThat(pins.pins("files").orElseThrow())
                    .containsExactly(Map.entry("read", new McpToolPins.Pin("dd", "{\"name\":\"read\",\"v\":2}")));
            assertThat(pins.pins("search").orElseThrow()).containsOnlyKeys("query");
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aServerApprovedWithNoToolsIsApprovedAndToldFromOneNeverApproved(Dialect dialect) {
        try (Database db = TestStores.open(dialect, temp)) {
            McpToolPins pins = new McpToolPins(db);
            pins.approve("empty", Map.of(), 1_000);
            assertThat(pins.pins("empty")).hasValue(Map.of());
            assertThat(pins.pins("never")).isEmpty();
            pins.approve("empty", Map.of("read", new McpToolPins.Pin("aa", "{}")), 2_000);
            pins.approve("empty", Map.of(), 3_000);
            assertThat(pins.pins("empty")).hasValue(Map.of());
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aToolCallsRowKeepsItsServerToolAndBytes(Dialect dialect) {
        try (Database db = TestStores.open(dialect, temp)) {
            UsageRow row = new UsageRow(1_000, "req-mcp", "k1", "t", null, "/mcp/files", "read", "read", "mcp:files", 200,
                    null, 0, 0, 0, 0, 0, 0, false, null, 2.5, null, false, true, SecretFindings.NONE, AgentSession.NONE,
                    new UsageRow.ToolCall("files", "read", 120, 4_000_000_000L));
            new UsageStore(db).insert(List.of(row));
            db.read(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT mcp_server, mcp_tool, request_bytes, response_bytes FROM usage WHERE request_id = 'req-mcp'");
                        ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("files");
                    assertThat(rs.getString(2)).isEqualTo("read");
                    assertThat(rs.getLong(3)).isEqualTo(120);
                    assertThat(rs.getLong(4)).isEqualTo(4_000_000_000L);
                    return null;
                }
            });
        }
    }
}
