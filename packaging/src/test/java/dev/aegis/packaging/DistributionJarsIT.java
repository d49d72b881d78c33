package dev.aegis.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the distribution's lib/ holds (docs/STARTUP.md: every start reads the whole directory of each
 * jar there once): BouncyCastle trimmed to the packages its Ed25519 code reaches, no jar that only
 * holds annotations, and not the Prometheus protobuf format (/metrics writes text; InstallIT scrapes it). That the trimmed jar still signs and verifies receipts, InstallIT shows with the
 * installed launcher.
 */
class DistributionJarsIT {

    private static final Path LIB = Path.of(System.getProperty("aegis.projectRoot", ".."), "packaging/target/aegis/lib");

    private static Path bouncyCastle() throws IOException {
        try (Stream<Path> jars = Files.list(LIB)) {
            return jars.filter(j -> j.getFileName().toString().startsWith("bcprov-")).findFirst().orElseThrow();
        }
    }

    @Test
    void bouncyCastleHoldsItsEd25519CodeAndLittleElse() throws IOException {
        try (ZipFile jar = new ZipFile(bouncyCastle().toFile())) {
            assertThat(jar.getEntry("org/bouncycastle/math/ec/rfc8032/Ed25519.class")).isNotNull();
            assertThat(jar.getEntry("org/bouncycastle/math/ec/rfc7748/X25519Field.class")).isNotNull();
            assertThat(jar.getEntry("org/bouncycastle/jce/provider/BouncyCastleProvider.class")).isNull();
            assertThat(jar.size()).as("entries (the whole jar has 6,125)").isLessThan(1_500);
        }
    }

    /**
     * jdeps lists each class's dependencies, and names one the jar does not hold "not found": nothing
     * Aegis's two entry points reach may be missing (the kept packages' other classes may use what
     * was left out: nothing loads them).
     */
    @ParameterizedTest
    @ValueSource(ints = {21, 25})
    void nothingAegisEd25519CodeReachesIsMissing(int javaRelease) throws IOException {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        int code = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:class", "-filter:none",
                "--multi-release", String.valueOf(javaRelease), bouncyCastle().toString());
        assertThat(code).as(out.toString()).isZero();
        Map<String, Set<String>> uses = new HashMap<>();
        Set<String> notFound = new HashSet<>();
        Pattern edge = Pattern.compile("^\\s+(?:\\d+/)?(\\S+)\\s+->\\s+(?:\\d+/)?(\\S+)\\s*(not found)?");
        out.toString().lines().map(edge::matcher).filter(Matcher::find).forEach(m -> {
            uses.computeIfAbsent(m.group(1), c -> new HashSet<>()).add(m.group(2));
            if (m.group(3) != null) {
                notFound.add(m.group(2));
            }
        });
        Set<String> reached = new HashSet<>();
        Deque<String> next = new ArrayDeque<>(List.of("org.bouncycastle.math.ec.rfc8032.Ed25519",
                "org.bouncycastle.math.ec.rfc7748.X25519Field"));
        while (!next.isEmpty()) {
            String c = next.pop();
            if (reached.add(c)) {
                next.addAll(uses.getOrDefault(c, Set.of()));
            }
        }
        assertThat(reached).as("what the Ed25519 code reaches").hasSizeGreaterThan(100);
        assertThat(reached).filteredOn(notFound::contains).isEmpty();
    }

    @Test
    void libHoldsNoAnnotationOnlyJarNorThePrometheusProtobufFormat() throws IOException {
        try (Stream<Path> jars = Files.list(LIB)) {
            assertThat(jars.map(j -> j.getFileName().toString()))
                    .isNotEmpty()
                    .noneMatch(n -> n.startsWith("checker-qual-") || n.startsWith("annotations-")
                            || n.startsWith("jspecify-") || n.startsWith("error_prone_annotations-")
                            || n.startsWith("prometheus-metrics-exposition-formats-"));
        }
    }
}
