package dev.aegis.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.cli.CliContext;
import dev.aegis.cli.CliException;
import dev.aegis.json.Json;
import dev.aegis.cli.ExitCode;
import dev.aegis.cli.daemon.DaemonClient;
import dev.aegis.cli.daemon.DaemonLocator;
import dev.aegis.cli.daemon.DaemonStatus;
import dev.aegis.cli.output.TerminalText;
import dev.aegis.control.DaemonState;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code aegis mcp list|approve}: the MCP servers the daemon serves at {@code /mcp/<name>}, and their tool approvals. */
@Command(
        name = "mcp",
        mixinStandardHelpOptions = true,
        description = "The MCP servers Aegis serves at /mcp/<name> (mcp.servers in the config) and their approved tools.",
        subcommands = {McpCommand.ListServers.class, McpCommand.Approve.class})
public final class McpCommand extends GroupCommand {

    static DaemonState running(CliContext context) {
        DaemonStatus status = new DaemonLocator(context.home()).locate();
        return status.state().filter(s -> status.running())
                .orElseThrow(() -> new CliException("the daemon is not running: start it with 'aegis start'"));
    }

    /** {@code aegis mcp list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Each configured MCP server and whether it is served: ok, not_approved, tools_changed or unavailable.")
    public static final class ListServers implements Callable<Integer> {
        private final CliContext context;

        @Option(names = "--json", description = "Print the daemon's answer as JSON: {\"servers\": [{\"name\", \"state\", \"transport\", \"target\", ...}]}.")
        boolean json;

        public ListServers(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            JsonNode servers;
            try {
                servers = new DaemonClient().mcp(running(context), null).path("servers");
            } catch (IOException e) {
                throw new CliException("could not read the daemon's MCP servers: " + e.getMessage());
            }
            PrintWriter out = context.out();
            if (json) {
                out.println(Json.mapper().createObjectNode().set("servers", servers));
                return ExitCode.OK;
            }
            if (servers.isEmpty()) {
                out.println("No MCP servers are configured (mcp.servers in the config; see docs/MCP.md).");
            }
            for (JsonNode s : servers) {
                out.println(TerminalText.escape(s.path("name").asText()) + "  " + s.path("state").asText() + "  "
                        + s.path("transport").asText() + "  " + TerminalText.escape(s.path("target").asText())
                        + (s.has("tools") ? "  " + s.path("tools").asInt() + " tools" : ""));
                if (s.has("message")) {
                    out.println("    " + TerminalText.escape(s.path("message").asText()));
                }
            }
            return ExitCode.OK;
        }
    }

    /** {@code aegis mcp approve <server>}. */
    @Command(name = "approve", mixinStandardHelpOptions = true, description = {
        "Approve the server's tools as they are now (review them first: its tools/list).",
        "Their definitions are pinned, and the server is refused whenever they change until approved again."})
    public static final class Approve implements Callable<Integer> {
        private final CliContext context;

        @Parameters(paramLabel = "SERVER", description = "The server's name under mcp.servers.")
        String server;

        public Approve(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            JsonNode answer;
            try {
                answer = new DaemonClient().mcp(running(context), server);
            } catch (IOException e) {
                throw new CliException("could not approve '" + server + "': " + e.getMessage());
            }
            PrintWriter out = context.out();
            out.println(answer.path("tools").isEmpty()
                    ? "Approved '" + TerminalText.escape(server) + "' with no tools: a tool it adds later is refused until approved"
                    : "Approved " + answer.path("tools").size() + " tools of '" + TerminalText.escape(server) + "': "
                            + TerminalText.escape(join(answer.path("tools"))));
            if (!answer.path("changed").isEmpty()) {
                out.println("New or changed since the last approval: " + TerminalText.escape(join(answer.path("changed"))));
            }
            return ExitCode.OK;
        }

        private static String join(JsonNode names) {
            StringBuilder b = new StringBuilder();
            names.forEach(n -> b.append(b.isEmpty() ? "" : ", ").append(n.asText()));
            return b.toString();
        }
    }
}
