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
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

class ArtifactStoreTest {

    @TempDir
    Path tmp;

    static final byte[] KEY = "a test key of thirty-two bytes or more".getBytes(StandardCharsets.US_ASCII);

    private Path build;
    private ArtifactStore store;

    @BeforeEach
    void setUp() throws IOException {
        build = Files.createDirectories(tmp.resolve("build"));
        store = new ArtifactStore(tmp.resolve("artifacts"), Optional.of("https://labgate.example/artifacts/"), 1024,
                KEY, Optional.empty());
    }

    private ArtifactStore.Publication publish(String runId, ArtifactStore.Candidate... files) {
        return store.publish(runId, build, List.of(files));
    }

    /** Where a run's files are on disk: under its token, as its URLs name them. */
    private Path published(String runId) {
        return tmp.resolve("artifacts").resolve(runId).resolve(store.token(runId));
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
        var publication = publish("run-1", file("bzImage", "kernel"),
                file("dtbs/broadcom/bcm2711-rpi-4-b.dtb", "dtb"), new ArtifactStore.Candidate("modules.tar.xz",
                        build.resolve("not-built")));

        assertThat(publication.leftOut()).as("a file the build did not make is simply absent").isEmpty();
        assertThat(store.files("run-1")).containsExactly(
                new ArtifactStore.Stored("bzImage", sha256("kernel"), 6),
                new ArtifactStore.Stored("dtbs/broadcom/bcm2711-rpi-4-b.dtb", sha256("dtb"), 3));
        var token = store.token("run-1");
        assertThat(token).as("128 bits of HMAC").matches("[0-9a-f]{32}");
        assertThat(store.url("run-1", "bzImage")).contains("https://labgate.example/artifacts/run-1/" + token
                + "/bzImage");
        assertThat(store.url("run-1")).contains("https://labgate.example/artifacts/run-1/" + token);

        var check = new ProcessBuilder("sha256sum", "--check", "--strict", ArtifactStore.CHECKSUMS)
                .directory(published("run-1").toFile()).redirectErrorStream(true).start();
        assumeThat(check.waitFor(30, TimeUnit.SECONDS)).as("sha256sum ran").isTrue();
        assertThat(new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("bzImage: OK", "dtbs/broadcom/bcm2711-rpi-4-b.dtb: OK");
        assertThat(check.exitValue()).isZero();
    }

    @Test
    void a_file_over_the_size_limit_is_left_out_with_the_reason_and_the_rest_is_kept() throws IOException {
        var publication = publish("run-1", file("bzImage", "k".repeat(1024)), file("modules.tar.xz", "m".repeat(1025)));

        assertThat(publication.kept()).extracting(ArtifactStore.Stored::name).containsExactly("bzImage");
        assertThat(publication.leftOut()).containsExactly("modules.tar.xz is 1025 bytes, over the limit of 1024 bytes "
                + "for an artifact (artifacts.max-size), and was not kept");
        assertThat(store.find("run-1", "modules.tar.xz")).isEmpty();
        assertThat(ArtifactStore.bytes(2_254_857_830L)).isEqualTo("2.1 GiB");
        assertThat(ArtifactStore.bytes(1L << 30)).isEqualTo("1 GiB");
    }

    @Test
    void publishing_a_run_again_replaces_its_files_as_a_whole() throws IOException {
        publish("run-1", file("bzImage", "first"), file("modules.tar.xz", "first"));
        publish("run-1", file("bzImage", "second"));

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
        publish("run-1", file("bzImage", "kernel"));
        publish("run-2", file("bzImage", "other"));
        Files.writeString(published("run-1").resolve("secret.txt"), "not published");
        var token = store.token("run-1");

        assertThat(store.find("run-1", token, name)).isEmpty();
        assertThat(store.find("../artifacts/run-1", token, "bzImage")).isEmpty();
        assertThat(store.find("run-1", token, "bzImage")).isPresent();
        assertThat(store.find("run-1", token, ArtifactStore.CHECKSUMS)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "00000000000000000000000000000000", "run-1"})
    void a_run_s_files_are_found_by_url_only_with_its_own_token(String token) throws IOException {
        publish("run-1", file("bzImage", "kernel"));
        publish("run-2", file("bzImage", "other"));

        assertThat(store.find("run-1", token, "bzImage")).isEmpty();
        assertThat(store.find("run-1", store.token("run-2"), "bzImage")).as("another run's token").isEmpty();
        assertThat(store.find("run-1", store.token("run-1").toUpperCase(Locale.ROOT), "bzImage")).isEmpty();
        var otherKey = new ArtifactStore(tmp.resolve("artifacts"), Optional.empty(), 1024,
                "another key of thirty-two bytes or more".getBytes(StandardCharsets.US_ASCII), Optional.empty());
        assertThat(otherKey.token("run-1")).as("a token depends on the key").isNotEqualTo(store.token("run-1"));
    }

    @Test
    void a_file_the_build_linked_to_from_elsewhere_is_left_out_never_copied() throws IOException {
        var secret = Files.writeString(tmp.resolve("labgate-secret"), "LABGATE_LAVA_TOKEN=s3cret");
        Files.createSymbolicLink(build.resolve("kernel.config"), secret);
        Files.createDirectories(build.resolve("arch/x86"));
        Files.createSymbolicLink(build.resolve("arch/x86/boot"), tmp);
        var inside = file("build.log", "a log");
        Files.createSymbolicLink(build.resolve("modules.tar.xz"), inside.file());

        var publication = publish("run-1", new ArtifactStore.Candidate("kernel.config", build.resolve("kernel.config")),
                new ArtifactStore.Candidate("bzImage", build.resolve("arch/x86/boot/labgate-secret")),
                new ArtifactStore.Candidate("modules.tar.xz", build.resolve("modules.tar.xz")), inside);

        assertThat(publication.kept()).extracting(ArtifactStore.Stored::name).containsExactly("build.log");
        assertThat(publication.leftOut()).containsExactly(
                "kernel.config is a symbolic link or under one, and was not kept",
                "bzImage is a symbolic link or under one, and was not kept",
                "modules.tar.xz is a symbolic link or under one, and was not kept");
        try (var files = Files.walk(tmp.resolve("artifacts"))) {
            assertThat(files.filter(Files::isRegularFile)).allSatisfy(f ->
                    assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
                            .doesNotContain("s3cret"));
        }
        assertThatThrownBy(() -> publish("run-2", new ArtifactStore.Candidate("bzImage", secret)))
                .as("labgate names only files of the run").isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void runs_published_before_the_retention_period_are_deleted_and_newer_ones_kept() throws IOException {
        publish("old", file("bzImage", "old"));
        publish("new", file("bzImage", "new"));
        var now = Instant.now();
        Files.setLastModifiedTime(published("old").resolve(ArtifactStore.CHECKSUMS),
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
        var unserved = new ArtifactStore(tmp.resolve("kept"), Optional.empty(), 1024, KEY, Optional.empty());
        unserved.publish("run-1", build, List.of(file("bzImage", "kernel")));
        assertThat(unserved.files("run-1")).hasSize(1);
        assertThat(unserved.url("run-1", "bzImage")).isEmpty();
    }
}
