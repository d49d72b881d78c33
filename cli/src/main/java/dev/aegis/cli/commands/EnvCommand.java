package dev.aegis.cli.commands;

import dev.aegis.cli.CliContext;
import dev.aegis.cli.ClaudeMcpFile;
import dev.aegis.cli.ClientSetup;
import dev.aegis.cli.McpClientEntries;
import dev.aegis.cli.Stores;
import dev.aegis.cli.ExitCode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code aegis env claude}: the shell exports that point Claude Code at the daemon. */
@Command(
        name = "env",
        mixinStandardHelpOptions = true,
        description = {"Print the shell exports that point a client at Aegis. Use: eval \"$(aegis env claude)\"",
            "The key is read from $AEGIS_API_KEY when the exports run, unless --key gives one."})
public final class EnvCommand implements Callable<Integer> {

    /** Shells whose syntax is printed. */
    public enum Shell { bash, zsh, fish }

    private final CliContext context;

    @Parameters(paramLabel = "CLIENT", description = "The client: claude (Claude Code and Anthropic SDKs).")
    String client;

    @Option(names = "--shell", paramLabel = "bash|zsh|fish", description = "Shell syntax (default: from $SHELL, else bash).")
    Shell shell;

    @Option(names = "--key", paramLabel = "KEY", description = "Put this Aegis key in the exports instead of $AEGIS_API_KEY.")
    String key;

    @Option(names = "--mcp", description = {"Also put the gateway's MCP servers (mcp.servers) into Claude Code's project file",
        "(.mcp.json here, or --mcp-file) as aegis_<name>, with the key read from $AEGIS_API_KEY."})
    boolean mcp;

    @Option(names = "--mcp-file", paramLabel = "PATH", description = "The MCP file to update (default: ./.mcp.json).")
    java.nio.file.Path mcpFile;

    public EnvCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if (!client.equals("claude")) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "unknown client '" + client + "' (known: claude)");
        }
        String url = ClientSetup.baseUrl(context);
        Shell s = shell != null ? shell : context.env().getOrDefault("SHELL", "").endsWith("fish") ? Shell.fish : Shell.bash;
        String token = key != null ? ClientSetup.keyForShell(key) : (s == Shell.fish ? "$" : "\"$") + ClientSetup.KEY_VARIABLE + (s == Shell.fish ? "" : "\"");
        PrintWriter out = context.out();
        if (s == Shell.fish) {
            out.println("set -gx ANTHROPIC_BASE_URL " + url + ";");
            out.println("set -gx ANTHROPIC_AUTH_TOKEN " + token + ";");
        } else {
            out.println("export ANTHROPIC_BASE_URL=" + url);
            out.println("export ANTHROPIC_AUTH_TOKEN=" + token);
        }
        out.println("# Claude Code now goes through Aegis. Mint a key if you have none: aegis keygen --name claude");
        String inShell = context.env().get(ClientSetup.KEY_VARIABLE);
        if (key == null && (inShell == null || inShell.isBlank())) {
            // On stderr: what eval "$(aegis env claude)" runs is only stdout.
            context.err().println("aegis: warning: $" + ClientSetup.KEY_VARIABLE + " is not set in this shell, so Claude"
                    + " Code would send no key: set it to a key from `aegis keygen --name claude`, or pass --key");
        }
        if (mcp) {
            java.nio.file.Path file = mcpFile != null ? mcpFile : java.nio.file.Path.of(".mcp.json");
            java.util.Map<String, String> entries = McpClientEntries.of(Stores.config(context), url);
            ClaudeMcpFile.merge(file, entries);
            if (key != null) {
                out.println(s == Shell.fish ? "set -gx " + ClientSetup.KEY_VARIABLE + " " + key + ";"
                        : "export " + ClientSetup.KEY_VARIABLE + "=" + key);
            }
            out.println("# MCP servers through Aegis written into " + dev.aegis.cli.output.TerminalText.escape(file.toAbsolutePath().toString()) + ": "
                    + (entries.isEmpty() ? "none configured (mcp.servers)" : String.join(", ", entries.keySet())));
        }
        return ExitCode.OK;
    }
}
