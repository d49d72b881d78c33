package dev.aegis.cli.commands;

import dev.aegis.cli.CliContext;
import dev.aegis.cli.CliException;
import dev.aegis.cli.ExitCode;
import dev.aegis.cli.daemon.DaemonClient;
import dev.aegis.cli.daemon.DaemonLocator;
import dev.aegis.cli.daemon.DaemonStatus;
import dev.aegis.control.DaemonState;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code aegis dashboard}: opens the daemon's web dashboard in the browser with a one-time login
 * link (minted with the control token of {@code daemon.json}); {@code --url} prints the link.
 */
@Command(
        name = "dashboard",
        mixinStandardHelpOptions = true,
        description = {"Open the web dashboard (spend over time, keys, credits, live calls) in the browser.",
            "The link logs in once and expires after 2 minutes; --url prints it instead."})
public final class DashboardCommand implements Callable<Integer> {

    private final CliContext context;

    @Option(names = "--url", description = "Print the one-time login link instead of opening a browser.")
    boolean printUrl;

    @Option(names = "--key", paramLabel = "ID", description = "Log in as this key: an admin key sees every call, a plain key its own.")
    String key;

    public DashboardCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        DaemonStatus status = new DaemonLocator(context.home()).locate();
        DaemonState state = status.state().filter(s -> status.running())
                .orElseThrow(() -> new CliException("the daemon is not running: start it with 'aegis start'"));
        String url;
        try {
            url = new DaemonClient().dashboardLink(state, key);
        } catch (IOException e) {
            throw new CliException("could not get a login link from the daemon: " + e.getMessage());
        }
        if (printUrl) {
            context.out().println(url);
            return ExitCode.OK;
        }
        if (open(url)) {
            context.out().println("Opened the dashboard in your browser (the link works once).");
        } else {
            context.out().println("Open this link in your browser (it works once, for 2 minutes):");
            context.out().println(url);
        }
        return ExitCode.OK;
    }

    /** Hands the link to $BROWSER, or the system's opener; false when none could be started. */
    private boolean open(String url) {
        String browser = context.env().get("BROWSER");
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        List<String> command = browser != null && !browser.isBlank() ? List.of(browser, url)
                : os.contains("mac") ? List.of("open", url) : List.of("xdg-open", url);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return !p.waitFor(3, TimeUnit.SECONDS) || p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
