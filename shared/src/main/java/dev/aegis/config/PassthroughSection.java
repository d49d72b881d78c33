package dev.aegis.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Reads the {@code passthrough} section: {@code allow: ["GET models*", "POST moderations"]}. */
final class PassthroughSection {

    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "*");

    private PassthroughSection() {}

    static PassthroughConfig read(ConfigNode n) {
        n.expectObject();
        n.rejectUnknownKeys(Set.of("allow"));
        ConfigNode allow = n.child("allow");
        if (allow.isMissing()) {
            return PassthroughConfig.DEFAULT;
        }
        List<PassthroughConfig.Rule> rules = new ArrayList<>();
        for (ConfigNode entry : allow.elements()) {
            String text = entry.text("").strip();
            String[] parts = text.split("\\s+");
            if (parts.length != 2) {
                entry.error("must be \"METHOD path-glob\", e.g. \"GET models*\", not '" + text + "'");
                continue;
            }
            String method = parts[0].toUpperCase(Locale.ROOT);
            String glob = parts[1].startsWith("/") ? parts[1].substring(1) : parts[1];
            if (!METHODS.contains(method)) {
                entry.error("method must be one of GET, POST, PUT, PATCH, DELETE or *, not '" + parts[0] + "'");
            } else if (glob.equals("v1") || glob.startsWith("v1/")) {
                entry.error("the path is below the API version: write '" + glob.substring(2).replaceFirst("^/", "")
                        + "', not '" + glob + "'");
            } else if (glob.isEmpty()) {
                entry.error("needs a path glob after the method, e.g. \"GET models*\"");
            } else {
                rules.add(new PassthroughConfig.Rule(method, glob));
            }
        }
        return new PassthroughConfig(rules);
    }
}
