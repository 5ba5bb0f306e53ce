package dev.labgate.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the files build labs produce are kept and for how long. Without {@code published}, labgate
 * keeps them under its data directory and serves them itself at {@code <public URL>/artifacts/};
 * with it, it writes them to a directory another web server publishes, and labs download them
 * from there.
 *
 * @param retention how long a run's files are kept; then they are deleted
 * @param maxFileBytes the largest file kept; a larger one is left out, and the build says so
 * @param published a directory another web server serves, and the URL it serves it at
 */
public record ArtifactSettings(Duration retention, long maxFileBytes, Optional<Published> published) {

    public static final ArtifactSettings DEFAULT = new ArtifactSettings(Duration.ofDays(14), 1024L << 20,
            Optional.empty());

    /** A directory another web server publishes: {@code <directory>/<run>/<file>} is {@code <url>/<run>/<file>}. */
    public record Published(Path directory, URI url) {
        public Published {
            Objects.requireNonNull(directory, "directory");
            Objects.requireNonNull(url, "url");
        }
    }

    public ArtifactSettings {
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(published, "published");
    }
}
