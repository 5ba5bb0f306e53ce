package dev.labgate.lab.artifact;

import dev.labgate.testkit.FakeS3;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The artifact store with an S3 bucket: published everywhere or nowhere, read back by any replica, expired. */
class ArtifactStoreBucketTest {

    @TempDir
    Path tmp;

    private FakeS3 s3;
    private Path build;

    @BeforeEach
    void start() throws IOException {
        s3 = new FakeS3("us-east-1");
        s3.key(S3BucketTest.ACCESS_KEY, S3BucketTest.SECRET);
        s3.bucket("labgate", true);
        build = Files.createDirectories(tmp.resolve("build"));
        Files.writeString(build.resolve("bzImage"), "a kernel");
        Files.writeString(build.resolve("kernel.config"), "CONFIG_X=y\n");
    }

    @AfterEach
    void stop() {
        s3.close();
    }

    private ArtifactStore store(String root, String secret) {
        var bucket = new S3Bucket(s3.url(), "labgate", "us-east-1", "builds/", URI.create(s3.url() + "/labgate"),
                new S3Bucket.Credentials(S3BucketTest.ACCESS_KEY, secret, "K and S"), Clock.systemUTC(),
                S3BucketTest.QUICK);
        return new ArtifactStore(tmp.resolve(root), Optional.of("https://labgate.example/artifacts"), 1024,
                ArtifactStoreTest.KEY, Optional.of(bucket));
    }

    private ArtifactStore store() {
        return store("artifacts", S3BucketTest.SECRET);
    }

    private ArtifactStore.Publication publish(ArtifactStore store, String run) {
        return store.publish(run, build, List.of(new ArtifactStore.Candidate("bzImage", build.resolve("bzImage")),
                new ArtifactStore.Candidate("kernel.config", build.resolve("kernel.config"))));
    }

    @Test
    void a_publication_goes_up_file_by_file_then_its_checksums_and_labs_get_the_buckets_urls() throws Exception {
        var store = store();
        publish(store, "run-1");

        var token = store.token("run-1");
        assertThat(s3.requests()).extracting(FakeS3.Request::method, r -> r.path().substring(r.path().lastIndexOf('/') + 1))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("PUT", "bzImage"),
                        org.assertj.core.groups.Tuple.tuple("PUT", "kernel.config"),
                        org.assertj.core.groups.Tuple.tuple("PUT", "SHA256SUMS"));
        assertThat(s3.keys("labgate")).containsExactlyInAnyOrder("builds/run-1/" + token + "/bzImage",
                "builds/run-1/" + token + "/kernel.config", "builds/run-1/" + token + "/SHA256SUMS");
        assertThat(s3.object("labgate", "builds/run-1/" + token + "/kernel.config").orElseThrow().contentType())
                .isEqualTo("text/plain; charset=utf-8");

        assertThat(store.url("run-1")).contains(s3.url() + "/labgate/builds/run-1/" + token);
        var url = store.url("run-1", "bzImage").orElseThrow();
        assertThat(url).isEqualTo(s3.url() + "/labgate/builds/run-1/" + token + "/bzImage");
        var downloaded = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(downloaded.body()).isEqualTo("a kernel");
        assertThat(store.find("run-1", token, "bzImage")).as("the local copy is kept and served too").isPresent();
    }

    @Test
    void a_replica_that_did_not_publish_a_run_reads_its_files_from_the_bucket() {
        var publisher = store();
        publish(publisher, "run-1");

        var other = store("elsewhere", S3BucketTest.SECRET);
        assertThat(other.files("run-1")).isEqualTo(publisher.files("run-1")).hasSize(2);
        assertThat(other.files("run-2")).isEmpty();
    }

    @Test
    void credentials_the_bucket_refuses_publish_nothing_and_say_why() {
        var store = store("artifacts", "not-the-secret-0123456789abcdefghijklmnop");

        assertThatThrownBy(() -> publish(store, "run-1")).isInstanceOfSatisfying(BucketException.class, e -> {
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).startsWith("cannot upload bzImage: S3 bucket 'labgate' refused labgate's "
                    + "credentials (HTTP 403 SignatureDoesNotMatch: ").contains("check K and S (PutObject at ")
                    .doesNotContain("not-the-secret", store.token("run-1"));
        });
        assertThat(s3.keys("labgate")).isEmpty();
        assertThat(store("elsewhere", S3BucketTest.SECRET).files("run-1")).isEmpty();
        assertThat(store.find("run-1", store.token("run-1"), "bzImage")).isEmpty();
        assertThat(tmp.resolve("artifacts").toFile().list()).as("nothing half-written is left").isEmpty();
    }

    @Test
    void an_upload_that_fails_half_way_takes_back_what_went_up() {
        var store = store();
        // The bucket has an outage from the checksums' upload on, longer than the tries of one request.
        s3.beforeNext("PUT", ".*/kernel\\.config", () -> s3.failNext(4, 503));

        assertThatThrownBy(() -> publish(store, "run-1")).isInstanceOfSatisfying(BucketException.class, e -> {
            assertThat(e.retryable()).as("an outage: the build's next poll tries again").isTrue();
            assertThat(e.getMessage()).startsWith("cannot upload SHA256SUMS: ");
        });
        assertThat(s3.keys("labgate")).as("deleted once the bucket answered again").isEmpty();
        assertThat(store.files("run-1")).isEmpty();

        publish(store, "run-1");
        assertThat(store("elsewhere", S3BucketTest.SECRET).files("run-1")).hasSize(2);
    }

    @Test
    void the_retention_deletes_the_buckets_objects_of_old_runs_and_of_abandoned_uploads_only() throws IOException {
        var store = store();
        publish(store, "old");
        publish(store, "new");
        var oldToken = store.token("old");
        Files.setLastModifiedTime(tmp.resolve("artifacts/old/" + oldToken + "/SHA256SUMS"),
                FileTime.from(Instant.now().minus(Duration.ofDays(15))));
        s3.backdate("labgate", "builds/old/", Duration.ofDays(15));
        var bucket = new S3Bucket(s3.url(), "labgate", "us-east-1", "builds/", s3.url(),
                new S3Bucket.Credentials(S3BucketTest.ACCESS_KEY, S3BucketTest.SECRET, "K and S"), Clock.systemUTC(),
                S3BucketTest.QUICK);
        var file = Files.writeString(tmp.resolve("x"), "x");
        var x = ArtifactStore.sha256(file);
        bucket.put("abandoned/" + store.token("abandoned") + "/bzImage", file, x, "x/y");
        bucket.put("README", file, x, "text/plain");
        bucket.put("someone/else/file", file, x, "text/plain");
        s3.backdate("labgate", "builds/", Duration.ofDays(30));
        s3.backdate("labgate", "builds/new/", Duration.ofDays(-30));

        assertThat(store.deleteOlderThan(Instant.now().minus(Duration.ofDays(14)))).isEqualTo(2);

        assertThat(s3.keys("labgate")).containsExactlyInAnyOrder("builds/README", "builds/someone/else/file",
                "builds/new/" + store.token("new") + "/bzImage", "builds/new/" + store.token("new") + "/kernel.config",
                "builds/new/" + store.token("new") + "/SHA256SUMS");
        assertThat(store.files("old")).isEmpty();
        assertThat(store.files("new")).hasSize(2);
    }
}
