package dev.aegis.control;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of this build, filtered into a resource by Maven. */
public final class AegisVersion {

    private static final String VERSION = load();

    private AegisVersion() {}

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = AegisVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "dev";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }
}
