package dev.aegis.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Reads the {@code security} section. */
final class SecuritySection {

    private SecuritySection() {}

    static SecretsConfig secrets(ConfigNode security) {
        security.expectObject();
        security.rejectUnknownKeys(Set.of("secrets", "classification"));
        ConfigNode n = security.child("secrets");
        n.expectObject();
        n.rejectUnknownKeys(Set.of("mode", "extra_patterns", "allow"));
        String modeText = n.child("mode").text("block");
        SecretsMode mode = SecretsMode.parse(modeText).orElse(SecretsMode.BLOCK);
        if (SecretsMode.parse(modeText).isEmpty()) {
            n.child("mode").error("must be block, redact or off, not '" + modeText + "'");
        }
        List<String> patterns = new ArrayList<>();
        for (ConfigNode p : n.child("extra_patterns").elements()) {
            String regex = p.text("");
            try {
                Pattern.compile(regex);
                patterns.add(regex);
            } catch (PatternSyntaxException e) {
                p.error("is not a valid regular expression: " + e.getDescription());
            }
        }
        List<String> allow = new ArrayList<>();
        n.child("allow").elements().forEach(a -> allow.add(a.text("")));
        ConfigNode classification = security.child("classification");
        classification.expectObject();
        classification.rejectUnknownKeys(Set.of("default"));
        String text = classification.child("default").text("internal");
        Classification def = Classification.parse(text).orElse(Classification.INTERNAL);
        if (Classification.parse(text).isEmpty()) {
            classification.child("default").error("must be public, internal, confidential or restricted");
        }
        return new SecretsConfig(mode, patterns, allow, def);
    }
}
