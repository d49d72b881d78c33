package dev.aegis.cli.daemon;

import dev.aegis.control.DaemonProcess;
import dev.aegis.home.AegisHome;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Explains a failed start: the daemon's own reason first, then the tail of what it wrote this time. */
final class DaemonDiagnostics {

    private static final int TAIL_LINES = 20;

    private DaemonDiagnostics() {}

    static String failure(AegisHome home, long outStart, long logStart, String fallback) {
        List<String> out = linesSince(home.daemonOut(), outStart);
        String reason = out.stream()
                .filter(l -> l.startsWith(DaemonProcess.FAILURE_PREFIX))
                .map(l -> l.substring(DaemonProcess.FAILURE_PREFIX.length()))
                .reduce((a, b) -> b)
                .orElse(fallback);
        StringBuilder sb = new StringBuilder("Aegis failed to start: ").append(reason);
        appendTail(sb, home.daemonOut(), out);
        appendTail(sb, home.daemonLog(), linesSince(home.daemonLog(), logStart));
        return sb.toString();
    }

    private static void appendTail(StringBuilder sb, Path file, List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        sb.append("\n--- last lines of ").append(file).append(" ---");
        for (String l : lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size())) {
            sb.append('\n').append(l);
        }
    }

    private static List<String> linesSince(Path file, long offset) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            // A log rolled over since the launch is shorter than the offset: read its end instead.
            long start = Math.max(offset > f.length() ? 0 : offset, f.length() - 64 * 1024);
            f.seek(Math.max(0, start));
            byte[] bytes = new byte[(int) (f.length() - f.getFilePointer())];
            f.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            return Arrays.stream(text.split("\n")).filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
