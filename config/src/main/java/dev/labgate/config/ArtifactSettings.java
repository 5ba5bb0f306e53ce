package dev.labgate.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the files build labs produce are kept and for how long. By default labgate keeps them under
 * its data directory and serves them itself at {@code <public URL>/artifacts/}; with
 * {@code published}, it writes them to a directory another web server publishes; with
 * {@code bucket}, it also uploads them to an S3-compatible bucket, and labs download them from
 * there. At most one of the two is set.
 *
 * @param retention how long a run's files are kept; then they are deleted
 * @param maxFileBytes the largest file kept; a larger one is left out, and the build says so
 * @param published a directory another web server serves, and the URL it serves it at
 * @param bucket an S3-compatible bucket the files are uploaded to
 */
public record ArtifactSettings(Duration retention, long maxFileBytes, Optional<Published> published,
                               Optional<Bucket> bucket) {

    public static final ArtifactSettings DEFAULT = new ArtifactSettings(Duration.ofDays(14), 1024L << 20,
            Optional.empty(), Optional.empty());

    /** A directory another web server publishes: {@code <directory>/<run>/<file>} is {@code <url>/<run>/<file>}. */
    public record Published(Path directory, URI url) {
        public Published {
            Objects.requireNonNull(directory, "directory");
            Objects.requireNonNull(url, "url");
        }
    }

    /**
     * An S3-compatible bucket (AWS S3, MinIO, Ceph RGW, Garage), addressed path-style: the object
     * {@code <prefix><run>/<token>/<file>} is written at {@code <endpoint>/<name>/<key>} and downloaded
     * from {@code <url>/<key>}. The credentials are read from the environment variables named here,
     * never from the policy.
     *
     * @param endpoint the S3 API's base URL, e.g. {@code https://s3.eu-west-1.amazonaws.com}
     * @param name the bucket
     * @param region the region requests are signed for ({@code us-east-1} for MinIO unless set otherwise)
     * @param prefix what every key labgate writes starts with: empty, or ending with {@code /}
     * @param url where the bucket's objects are downloaded from ({@code <endpoint>/<name>} unless the
     *            operator publishes them elsewhere, e.g. through a CDN)
     * @param accessKeyEnv the environment variable that holds the access key id
     * @param secretKeyEnv the environment variable that holds the secret access key
     */
    public record Bucket(URI endpoint, String name, String region, String prefix, URI url, String accessKeyEnv,
                         String secretKeyEnv) {

        public static final String DEFAULT_REGION = "us-east-1";
        public static final String DEFAULT_ACCESS_KEY_ENV = "LABGATE_S3_ACCESS_KEY_ID";
        public static final String DEFAULT_SECRET_KEY_ENV = "LABGATE_S3_SECRET_ACCESS_KEY";
        /** The largest object one PutObject takes (the S3 API reference, PutObject); labgate does not upload in parts. */
        public static final long MAX_OBJECT_BYTES = 5L << 30;

        public Bucket {
            Objects.requireNonNull(endpoint, "endpoint");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(accessKeyEnv, "accessKeyEnv");
            Objects.requireNonNull(secretKeyEnv, "secretKeyEnv");
            if (!prefix.isEmpty() && !prefix.endsWith("/")) {
                throw new IllegalArgumentException("a key prefix is empty or ends with '/': " + prefix);
            }
        }
    }

    public ArtifactSettings {
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(published, "published");
        Objects.requireNonNull(bucket, "bucket");
    }

    /** The environment variables the artifact settings read secrets from. */
    public List<String> secretVariables() {
        return bucket.map(b -> List.of(b.accessKeyEnv(), b.secretKeyEnv())).orElse(List.of());
    }
}
