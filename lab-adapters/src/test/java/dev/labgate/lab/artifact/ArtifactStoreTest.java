package dev.labgate.lab.artifact;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

class ArtifactStoreTest {

    @TempDir
    Path tmp;

    private Path build;
    private ArtifactStore store;

    @BeforeEach
    void setUp() throws IOException {
        build = Files.createDirectories(tmp.resolve("build"));
        store = new ArtifactStore(tmp.resolve("artifacts"), Optional.of("https://labgate.example/artifacts/"), 1024);
    }

    private ArtifactStore.Candidate file(String name, String content) throws IOException {
        var path = build.resolve(name);
        Files.createDirectories(path.getParent());
        Files.writeString(path, content);
        return new ArtifactStore.Candidate(name, path);
    }

    private static String sha256(String content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(content.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void a_run_publishes_its_files_with_checksums_that_sha256sum_accepts() throws Exception {
        var publication = store.publish("run-1", List.of(file("bzImage", "kernel"),
                file("dtbs/broadcom/bcm2711-rpi-4-b.dtb", "dtb"), new ArtifactStore.Candidate("modules.tar.xz",
                        build.resolve("not-built"))));

        assertThat(publication.leftOut()).as("a file the build did not make is simply absent").isEmpty();
        assertThat(store.files("run-1")).containsExactly(
                new ArtifactStore.Stored("bzImage", sha256("kernel"), 6),
                new ArtifactStore.Stored("dtbs/broadcom/bcm2711-rpi-4-b.dtb", sha256("dtb"), 3));
        assertThat(store.url("run-1", "bzImage")).contains("https://labgate.example/artifacts/run-1/bzImage");
        assertThat(store.url("run-1")).contains("https://labgate.example/artifacts/run-1");

        var check = new ProcessBuilder("sha256sum", "--check", "--strict", ArtifactStore.CHECKSUMS)
                .directory(tmp.resolve("artifacts/run-1").toFile()).redirectErrorStream(true).start();
        assumeThat(check.waitFor(30, TimeUnit.SECONDS)).as("sha256sum ran").isTrue();
        assertThat(new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("bzImage: OK", "dtbs/broadcom/bcm2711-rpi-4-b.dtb: OK");
        assertThat(check.exitValue()).isZero();
    }

    @Test
    void a_file_over_the_size_limit_is_left_out_with_the_reason_and_the_rest_is_kept() throws IOException {
        var publication = store.publish("run-1", List.of(file("bzImage", "k".repeat(1024)),
                file("modules.tar.xz", "m".repeat(1025))));

        assertThat(publication.kept()).extracting(ArtifactStore.Stored::name).containsExactly("bzImage");
        assertThat(publication.leftOut()).containsExactly("modules.tar.xz is 1025 bytes, over the limit of 1024 bytes "
                + "for an artifact (artifacts.max-size), and was not kept");
        assertThat(store.find("run-1", "modules.tar.xz")).isEmpty();
        assertThat(ArtifactStore.bytes(2_254_857_830L)).isEqualTo("2.1 GiB");
        assertThat(ArtifactStore.bytes(1L << 30)).isEqualTo("1 GiB");
    }

    @Test
    void publishing_a_run_again_replaces_its_files_as_a_whole() throws IOException {
        store.publish("run-1", List.of(file("bzImage", "first"), file("modules.tar.xz", "first")));
        store.publish("run-1", List.of(file("bzImage", "second")));

        assertThat(store.files("run-1")).extracting(ArtifactStore.Stored::name).containsExactly("bzImage");
        assertThat(store.find("run-1", "modules.tar.xz")).isEmpty();
        assertThat(Files.readString(store.find("run-1", "bzImage").orElseThrow().path())).isEqualTo("second");
        try (var left = Files.list(tmp.resolve("artifacts"))) {
            assertThat(left).as("no publication left half-way").extracting(p -> p.getFileName().toString())
                    .containsExactly("run-1");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"../run-2/bzImage", "dtbs/../../run-2/bzImage", "/etc/passwd", ".hidden", "dtbs/./x.dtb",
            "bzImage/", "secret.txt"})
    void only_published_files_are_found_never_a_path_out_of_the_run(String name) throws IOException {
        store.publish("run-1", List.of(file("bzImage", "kernel")));
        store.publish("run-2", List.of(file("bzImage", "other")));
        Files.writeString(tmp.resolve("artifacts/run-1/secret.txt"), "not published");

        assertThat(store.find("run-1", name)).isEmpty();
        assertThat(store.find("../artifacts/run-1", "bzImage")).isEmpty();
        assertThat(store.find("run-1", "bzImage")).isPresent();
        assertThat(store.find("run-1", ArtifactStore.CHECKSUMS)).isPresent();
    }

    @Test
    void runs_published_before_the_retention_period_are_deleted_and_newer_ones_kept() throws IOException {
        store.publish("old", List.of(file("bzImage", "old")));
        store.publish("new", List.of(file("bzImage", "new")));
        var now = Instant.now();
        Files.setLastModifiedTime(tmp.resolve("artifacts/old/" + ArtifactStore.CHECKSUMS),
                FileTime.from(now.minus(Duration.ofDays(15))));
        var abandoned = Files.createDirectories(tmp.resolve("artifacts/.old-abandoned"));
        Files.setLastModifiedTime(abandoned, FileTime.from(now.minus(Duration.ofDays(15))));

        assertThat(store.deleteOlderThan(now.minus(Duration.ofDays(14)))).isEqualTo(1);

        assertThat(store.files("old")).isEmpty();
        assertThat(store.find("old", "bzImage")).isEmpty();
        assertThat(Files.exists(tmp.resolve("artifacts/old"))).isFalse();
        assertThat(Files.exists(abandoned)).isFalse();
        assertThat(store.files("new")).hasSize(1);
    }

    @Test
    void without_a_base_url_files_are_kept_but_have_no_url() throws IOException {
        var unserved = new ArtifactStore(tmp.resolve("kept"), Optional.empty(), 1024);
        unserved.publish("run-1", List.of(file("bzImage", "kernel")));
        assertThat(unserved.files("run-1")).hasSize(1);
        assertThat(unserved.url("run-1", "bzImage")).isEmpty();
    }
}
