package dev.aegis.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
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
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the distribution's lib/ holds (docs/STARTUP.md: every start reads the whole directory of each
 * jar there once): one jar, the CLI, the daemon and their libraries merged, with BouncyCastle trimmed
 * to the packages its Ed25519 code reaches, nothing of the annotation-only jars nor of the Prometheus
 * protobuf format (/metrics writes text; InstallIT scrapes it), the libraries' ServiceLoader files
 * joined, and each library's licence beside it in licenses/. That the trimmed BouncyCastle still
 * signs and verifies receipts, InstallIT shows with the installed launcher.
 */
class DistributionJarsIT {

    private static final Path DISTRIBUTION = Path.of(System.getProperty("aegis.projectRoot", ".."), "packaging/target/aegis");
    private static final Path LIB = DISTRIBUTION.resolve("lib");
    private static final Path ONE_JAR = LIB.resolve("aegis.jar");

    private static List<String> entries() throws IOException {
        try (ZipFile jar = new ZipFile(ONE_JAR.toFile())) {
            return jar.stream().map(ZipEntry::getName).toList();
        }
    }

    private static String text(String entry) throws IOException {
        try (ZipFile jar = new ZipFile(ONE_JAR.toFile())) {
            ZipEntry e = jar.getEntry(entry);
            assertThat(e).as(entry).isNotNull();
            return new String(jar.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void libIsOneMultiReleaseJarWithoutSignaturesOrModuleDescriptors() throws IOException {
        try (Stream<Path> files = Files.list(LIB)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("aegis.jar");
        }
        try (JarFile jar = new JarFile(ONE_JAR.toFile())) {
            assertThat(jar.isMultiRelease()).as("Jackson's jars are multi-release").isTrue();
        }
        assertThat(entries())
                .contains("dev/aegis/cli/Main.class", "dev/aegis/daemon/DaemonMain.class", "io/javalin/Javalin.class",
                        "org/sqlite/JDBC.class", "com/fasterxml/jackson/core/JsonFactory.class")
                .noneMatch(n -> n.startsWith("META-INF/") && (n.endsWith(".SF") || n.endsWith(".RSA") || n.endsWith(".DSA")))
                .noneMatch(n -> n.endsWith("module-info.class"));
    }

    @Test
    void theLibrariesServiceLoaderFilesAreJoined() throws IOException {
        // Two jars each named providers of these; merged, one file must name them all.
        assertThat(text("META-INF/services/java.sql.Driver")).contains("org.postgresql.Driver", "org.sqlite.JDBC");
        assertThat(text("META-INF/services/com.fasterxml.jackson.core.JsonFactory"))
                .contains("com.fasterxml.jackson.core.JsonFactory", "com.fasterxml.jackson.dataformat.yaml.YAMLFactory");
    }

    @Test
    void eachLibrarysLicenceIsKept() throws IOException {
        Path licenses = DISTRIBUTION.resolve("licenses");
        // Those whose jars carried a licence or notice file (picocli's is compiled here from its sources: aegis-picocli).
        for (String library : List.of("slf4j-api", "jackson-databind", "javalin", "postgresql", "HdrHistogram", "caffeine",
                "aegis-picocli")) {
            try (Stream<Path> files = Files.walk(licenses.resolve(library))) {
                assertThat(files.filter(Files::isRegularFile).map(f -> f.getFileName().toString().toUpperCase(java.util.Locale.ROOT)))
                        .as(library).anyMatch(n -> n.contains("LICENSE") || n.contains("NOTICE"));
            }
        }
        assertThat(licenses.resolve("aegis-daemon")).doesNotExist();
    }

    @Test
    void bouncyCastleHoldsItsEd25519CodeAndLittleElse() throws IOException {
        List<String> entries = entries();
        assertThat(entries).contains("org/bouncycastle/math/ec/rfc8032/Ed25519.class", "org/bouncycastle/math/ec/rfc7748/X25519Field.class")
                .doesNotContain("org/bouncycastle/jce/provider/BouncyCastleProvider.class");
        assertThat(entries).filteredOn(n -> n.contains("org/bouncycastle/"))
                .as("entries (the whole jar has 6,125)").hasSizeLessThan(1_500);
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
                "-include", "org\\.bouncycastle\\..*", "--multi-release", String.valueOf(javaRelease), ONE_JAR.toString());
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
    void holdsNothingOfTheAnnotationOnlyJarsNorThePrometheusProtobufFormat() throws IOException {
        assertThat(entries()).noneMatch(n -> n.startsWith("org/checkerframework/") || n.startsWith("org/jetbrains/annotations/")
                || n.startsWith("org/jspecify/") || n.startsWith("com/google/errorprone/annotations/")
                || n.startsWith("io/prometheus/metrics/expositionformats/generated/"));
    }
}
