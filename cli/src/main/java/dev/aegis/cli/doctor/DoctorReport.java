package dev.aegis.cli.doctor;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.json.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** The findings of one {@code aegis doctor} run, printed as lines or as JSON. */
public final class DoctorReport {

    private final List<Finding> findings = new ArrayList<>();

    public void add(Finding finding) {
        findings.add(finding);
    }

    public void addAll(List<Finding> more) {
        findings.addAll(more);
    }

    public List<Finding> findings() {
        return List.copyOf(findings);
    }

    public boolean ok() {
        return findings.stream().noneMatch(Finding::failed);
    }

    /** {@code ✓ check: message}, {@code ! ...} or {@code ✗ ...}, each fix on the line below. */
    public void printText(PrintWriter out) {
        for (Finding f : findings) {
            String mark = switch (f.status()) {
                case PASS -> "✓";
                case WARN -> "!";
                case FAIL -> "✗";
            };
            out.println(mark + " " + f.check() + ": " + f.message());
            if (f.fix() != null) {
                out.println("    fix: " + f.fix());
            }
        }
        long failed = findings.stream().filter(Finding::failed).count();
        out.println();
        out.println(failed == 0 ? "All checks passed." : failed + (failed == 1 ? " problem" : " problems") + " found.");
    }

    public void printJson(PrintWriter out, String client) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("ok", ok());
        if (client == null) {
            root.putNull("client");
        } else {
            root.put("client", client);
        }
        ArrayNode checks = root.putArray("checks");
        for (Finding f : findings) {
            ObjectNode n = checks.addObject();
            n.put("check", f.check());
            n.put("status", f.status().name().toLowerCase(java.util.Locale.ROOT));
            n.put("message", f.message());
            if (f.fix() == null) {
                n.putNull("fix");
            } else {
                n.put("fix", f.fix());
            }
        }
        out.println(root);
    }
}
