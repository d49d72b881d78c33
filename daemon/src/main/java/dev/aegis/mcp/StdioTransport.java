package dev.aegis.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.config.McpConfig;
import dev.aegis.json.Json;
import dev.aegis.security.LineRedactor;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stdio MCP server: a process the daemon starts, talks newline-delimited JSON-RPC with over its
 * stdin and stdout, and restarts when it exits (after 250 ms, doubling per quick crash up to 30 s).
 * A request pending when the process exits fails at once; nothing waits for an answer that cannot
 * come. The server's stderr goes to the daemon's log, line by line, its secrets redacted (a secret
 * spanning lines, such as a private key, included), each line read in bounded memory ({@link BoundedLines})
 * and shown up to 500 characters. Its stdout is read in bounded memory too: a message (a line) longer than
 * {@link #MAX_MESSAGE_CHARS} is read past and dropped, with a warning.
 */
final class StdioTransport implements McpTransport {

    private static final Logger LOG = LoggerFactory.getLogger(StdioTransport.class);
    private static final long FIRST_BACKOFF_MS = 250;
    private static final long MAX_BACKOFF_MS = 30_000;
    /** A process that ran this long before it exited was not crash-looping: the back-off starts over. */
    private static final long STABLE_MS = 10_000;

    private final McpConfig.Server server;
    /** The most of a stderr line the log shows. */
    private static final int SHOWN = 500;
    /** The longest JSON-RPC message (one stdout line) taken from a server, in characters. */
    static final int MAX_MESSAGE_CHARS = 16 * 1024 * 1024;

    private final Supplier<LineRedactor> redactor;
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicBoolean toolsChanged = new AtomicBoolean();
    private final Object lock = new Object();
    private Process process;
    private OutputStream stdin;
    private long generation;
    private long startedAtMs;
    private long notBeforeMs;
    private long backoffMs = FIRST_BACKOFF_MS;
    private volatile boolean closed;

    /**
     * @param redactor makes, for each process's stderr, what each of its lines goes through before it reaches
     *     the daemon's log (it keeps state from line to line: a secret can span lines)
     */
    StdioTransport(McpConfig.Server server, Supplier<LineRedactor> redactor) {
        this.server = server;
        this.redactor = redactor;
    }

    /** Starts the process now, so it is up before the first client (failures are logged and retried on use). */
    void startEarly() {
        Thread.ofVirtual().name("mcp-start-" + server.name()).start(() -> {
            try {
                connect();
            } catch (McpFailure e) {
                LOG.warn("MCP server '{}' did not start: {}", server.name(), e.getMessage());
            }
        });
    }

    @Override
    public long connect() {
        synchronized (lock) {
            if (closed) {
                throw McpFailure.unavailable(server.name(), "the daemon is stopping");
            }
            if (process != null && process.isAlive()) {
                return generation;
            }
            long wait = notBeforeMs - System.currentTimeMillis();
            if (wait > 0) {
                throw McpFailure.unavailable(server.name(), "it exited and is restarted in " + wait + " ms");
            }
            start();
            return generation;
        }
    }

    private void start() {
        ProcessBuilder pb = new ProcessBuilder(server.command());
        pb.environment().putAll(server.env());
        pb.redirectInput(ProcessBuilder.Redirect.PIPE).redirectOutput(ProcessBuilder.Redirect.PIPE);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            notBeforeMs = System.currentTimeMillis() + nextBackoff();
            throw McpFailure.unavailable(server.name(), "cannot start " + server.command().getFirst() + ": " + e.getMessage());
        }
        process = p;
        stdin = p.getOutputStream();
        generation++;
        startedAtMs = System.currentTimeMillis();
        long gen = generation;
        LOG.info("MCP server '{}' started (pid {})", server.name(), p.pid());
        // Platform threads: a read of a child's pipe blocks in the kernel and would hold a virtual
        // thread's carrier for as long as the server is quiet (two quiet servers held both carriers of a
        // 2-core machine, and the daemon answered nothing more).
        Thread.ofPlatform().daemon().name("mcp-out-" + server.name()).start(() -> readAnswers(p, gen));
        Thread.ofPlatform().daemon().name("mcp-err-" + server.name()).start(() -> logErrors(p));
    }

    private long nextBackoff() {
        long b = backoffMs;
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        return b;
    }

    private void readAnswers(Process p, long gen) {
        try (InputStreamReader out = new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)) {
            BoundedLines lines = new BoundedLines(out, MAX_MESSAGE_CHARS);
            BoundedLines.Line line;
            while ((line = lines.next()) != null) {
                if (line.cut()) {
                    // Read past in bounded memory and dropped: the call it answered, if any, times out.
                    LOG.warn("MCP server '{}' wrote a message of {} characters, over the {} the gateway takes (dropped)",
                            server.name(), line.length(), MAX_MESSAGE_CHARS);
                } else if (!line.start().isBlank()) {
                    dispatch(line.start());
                }
            }
        } catch (IOException e) {
            // the process is gone: handled below
        }
        exited(p, gen);
    }

    private void dispatch(String line) {
        JsonNode msg;
        try {
            msg = Json.mapper().readTree(line);
        } catch (IOException e) {
            LOG.warn("MCP server '{}' wrote a line that is not JSON (ignored)", server.name());
            return;
        }
        if (!msg.isObject()) {
            return;
        }
        JsonNode method = msg.get("method");
        JsonNode id = msg.get("id");
        if (method == null && id != null && id.canConvertToLong()) {
            CompletableFuture<JsonNode> f = pending.remove(id.asLong());
            if (f != null) {
                f.complete(msg);
            }
        } else if (method != null && id != null) {
            write(notSupported(id)); // a request from the server (sampling, roots, elicitation): not offered through the gateway
        } else if (method != null && "notifications/tools/list_changed".equals(method.asText())) {
            toolsChanged.set(true);
        }
    }

    /** The answer to a request of the server's own (sampling, roots, elicitation), which the gateway does not offer. */
    static ObjectNode notSupported(JsonNode id) {
        ObjectNode error = Json.mapper().createObjectNode().put("jsonrpc", "2.0");
        error.set("id", id);
        error.putObject("error").put("code", -32601).put("message", "not supported by the Aegis gateway");
        return error;
    }

    private void logErrors(Process p) {
        LineRedactor redact = redactor.get();
        try (InputStreamReader err = new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8)) {
            BoundedLines lines = new BoundedLines(err);
            BoundedLines.Line line;
            while ((line = lines.next()) != null) {
                // Redacted with thousands of characters around what is shown, then cut: a secret cut first would no
                // longer be recognised, and its start would show. A line too long to keep is cut in bounded memory.
                String shown = line.cut() ? redact.cutLine(line.start(), line.end()) : redact.line(line.start());
                LOG.info("MCP server '{}': {}", server.name(), shown.length() > SHOWN ? shown.substring(0, SHOWN) + "..."
                        + (line.cut() ? " (a line of " + line.length() + " characters, cut)" : "") : shown);
            }
        } catch (IOException e) {
            // gone
        }
    }

    private void exited(Process p, long gen) {
        int code;
        try {
            code = p.waitFor(5, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = -1;
        }
        long delay;
        synchronized (lock) {
            if (generation != gen) {
                return;
            }
            process = null;
            if (System.currentTimeMillis() - startedAtMs > STABLE_MS) {
                backoffMs = FIRST_BACKOFF_MS;
            }
            delay = nextBackoff();
            notBeforeMs = System.currentTimeMillis() + delay;
        }
        McpFailure failure = McpFailure.unavailable(server.name(), "it exited" + (code >= 0 ? " (code " + code + ")" : "")
                + " before answering; the daemon restarts it");
        pending.values().forEach(f -> f.completeExceptionally(failure));
        pending.clear();
        if (closed) {
            return;
        }
        LOG.warn("MCP server '{}' exited (code {}); restarting in {} ms", server.name(), code, delay);
        Thread.ofVirtual().name("mcp-restart-" + server.name()).start(() -> {
            try {
                Thread.sleep(delay);
                connect();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (McpFailure e) {
                LOG.warn("MCP server '{}' did not restart: {}", server.name(), e.getMessage());
            }
        });
    }

    @Override
    public JsonNode request(ObjectNode request, Duration timeout) {
        long id = ids.incrementAndGet();
        request.put("id", id);
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        if (!write(request)) {
            pending.remove(id);
            throw McpFailure.unavailable(server.name(), "it is not running");
        }
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.remove(id);
            ObjectNode cancel = Json.mapper().createObjectNode().put("jsonrpc", "2.0").put("method", "notifications/cancelled");
            cancel.putObject("params").put("requestId", id).put("reason", "timed out in the Aegis gateway");
            write(cancel);
            throw McpFailure.timeout(server.name(), timeout);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof McpFailure f ? f : McpFailure.unavailable(server.name(), "it failed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.remove(id);
            throw McpFailure.unavailable(server.name(), "interrupted");
        }
    }

    @Override
    public void notify(ObjectNode notification) {
        write(notification);
    }

    /** Writes one message as one line; false when the process is not running. */
    private boolean write(ObjectNode message) {
        byte[] line;
        try {
            line = Json.mapper().writeValueAsBytes(message);
        } catch (IOException e) {
            return false;
        }
        synchronized (lock) {
            if (process == null || stdin == null) {
                return false;
            }
            try {
                stdin.write(line);
                stdin.write('\n');
                stdin.flush();
                return true;
            } catch (IOException e) {
                return false;
            }
        }
    }

    @Override
    public boolean toolsChanged() {
        return toolsChanged.getAndSet(false);
    }

    @Override
    public void close() {
        Process p;
        synchronized (lock) {
            closed = true;
            p = process;
            process = null;
        }
        if (p != null) {
            try {
                p.getOutputStream().close();
                if (!p.waitFor(2, TimeUnit.SECONDS)) {
                    p.destroy();
                    if (!p.waitFor(2, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                }
            } catch (IOException | InterruptedException e) {
                p.destroyForcibly();
            }
        }
    }
}
