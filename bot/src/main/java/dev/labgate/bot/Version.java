package dev.labgate.bot;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** labgate's version, as Maven wrote it into the jar when it was built; {@code labgate --version} prints it. */
public final class Version implements CommandLine.IVersionProvider {

    private static final String RESOURCE = "/labgate/version.properties";

    /** The version, e.g. {@code 0.2.0}, or {@code 0.3.0-SNAPSHOT} for a build between releases. */
    public static String current() {
        try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return "unknown (built without " + RESOURCE + ")";
            }
            var properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {"labgate " + current()};
    }
}
