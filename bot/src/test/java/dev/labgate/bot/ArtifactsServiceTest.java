package dev.labgate.bot;

import dev.labgate.lab.artifact.ArtifactStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /artifacts/<run>/<token>/<file>} on the running service: read-only, with checksums, only
 * with the run's token, under the run pages' read rules, and gone after the retention period.
 */
class ArtifactsServiceTest {

    @TempDir
    Path tmp;

    private Scenario scenario;
    private RunningLabgate labgate;

    private void start(Map<String, Object> extra) {
        scenario = new Scenario(tmp, "true");
        var properties = new HashMap<>(scenario.properties());
        properties.putAll(extra);
        labgate = new RunningLabgate(properties);
    }

    @AfterEach
    void stop() {
        if (labgate != null) {
            labgate.close();
        }
        scenario.close();
    }

    /** What a build would publish, put in the service's store. */
    private void publish(String runId, Map<String, String> files) throws IOException {
        var candidates = new ArrayList<ArtifactStore.Candidate>();
        for (var file : files.entrySet()) {
            var path = tmp.resolve("built").resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue());
            candidates.add(new ArtifactStore.Candidate(file.getKey(), path));
        }
        labgate.bean(PolicyLabs.class).artifacts().publish(runId, tmp.resolve("built"), candidates);
    }

    /** The path of a published file's URL, as labgate hands it to labs (with the run's token). */
    private String path(String runId, String file) {
        return URI.create(labgate.bean(PolicyLabs.class).artifacts().url(runId, file).orElseThrow()).getPath();
    }

    private static String sha256(String content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(content.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void a_published_file_is_served_read_only_with_its_checksum_and_the_runs_sha256sums() throws Exception {
        start(Map.of());
        publish("b1ld", Map.of("bzImage", "a kernel", "dtbs/broadcom/bcm2711-rpi-4-b.dtb", "a device tree"));

        var kernel = labgate.get(path("b1ld", "bzImage"));
        assertThat(kernel.statusCode()).isEqualTo(200);
        assertThat(kernel.body()).isEqualTo("a kernel");
        var sha = sha256("a kernel");
        assertThat(kernel.headers().firstValue("ETag")).contains("\"" + sha + "\"");
        assertThat(kernel.headers().firstValue("Repr-Digest")).contains("sha-256=:"
                + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha)) + ":");
        assertThat(kernel.headers().firstValue("Content-Type")).hasValueSatisfying(t ->
                assertThat(t).startsWith("application/octet-stream"));
        assertThat(kernel.headers().firstValue("X-Content-Type-Options")).contains("nosniff");

        var head = labgate.send(HttpRequest.newBuilder(labgate.url().resolve(path("b1ld", "bzImage")))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(head.statusCode()).as("LAVA's worker asks with HEAD first").isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Length")).contains("8");

        assertThat(labgate.get(path("b1ld", "dtbs/broadcom/bcm2711-rpi-4-b.dtb")).body()).isEqualTo("a device tree");
        assertThat(labgate.get(path("b1ld", "SHA256SUMS")).body()).contains(sha + "  bzImage\n",
                sha256("a device tree") + "  dtbs/broadcom/bcm2711-rpi-4-b.dtb\n");

        var write = labgate.send(HttpRequest.newBuilder(labgate.url().resolve(path("b1ld", "bzImage")))
                .PUT(HttpRequest.BodyPublishers.ofString("another kernel")).build());
        assertThat(write.statusCode()).as("read-only").isIn(404, 405);
        assertThat(labgate.get(path("b1ld", "bzImage")).body()).isEqualTo("a kernel");
    }

    @Test
    void nothing_but_a_published_file_is_served() throws Exception {
        start(Map.of());
        publish("b1ld", Map.of("bzImage", "a kernel"));
        publish("0ther", Map.of("bzImage", "another kernel"));
        var run = path("b1ld", "");
        Files.writeString(tmp.resolve("data" + run + "notes.txt"), "not published");
        var other = path("0ther", "");
        var token = run.split("/")[3];

        for (var path : List.of(run + "..%2F..%2F..%2Fpolicy.yml", run + "../../../policy.yml",
                "/artifacts/..%2Fdata/b1ld/" + token + "/bzImage", run + "notes.txt", run + "%2e%2e/%2e%2e/policy.yml",
                "/artifacts/nobody/" + token + "/bzImage", "/artifacts/b1ld/bzImage", "/artifacts/b1ld/SHA256SUMS",
                "/artifacts/b1ld/" + "0".repeat(32) + "/bzImage", "/artifacts/b1ld/" + other.split("/")[3] + "/bzImage",
                "/artifacts/b1ld/" + token.substring(0, 31) + "/bzImage")) {
            var answer = labgate.get(path);
            assertThat(answer.statusCode()).as(path).isIn(400, 404);
            assertThat(answer.body()).as(path).doesNotContain("repositories", "not published", "a kernel");
        }
        assertThat(labgate.get(other + "bzImage").body()).isEqualTo("another kernel");
    }

    @Test
    void the_run_pages_read_rules_keep_artifacts_to_the_listed_networks() throws Exception {
        start(Map.of("labgate.pages.allowed-networks", "192.0.2.0/24"));
        publish("b1ld", Map.of("bzImage", "a kernel"));

        var refused = labgate.get(path("b1ld", "bzImage"));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).doesNotContain("a kernel");
    }

    @Test
    void a_listed_network_reads_them() throws Exception {
        start(Map.of("labgate.pages.allowed-networks", "127.0.0.0/8,::1"));
        publish("b1ld", Map.of("bzImage", "a kernel"));

        assertThat(labgate.get(path("b1ld", "bzImage")).statusCode()).isEqualTo(200);
    }

    @Test
    void the_retention_sweep_deletes_artifacts_older_than_the_policy_says() throws Exception {
        start(Map.of());
        publish("old", Map.of("bzImage", "an old kernel"));
        publish("new", Map.of("bzImage", "a new kernel"));
        var old = path("old", "bzImage");
        Files.setLastModifiedTime(tmp.resolve("data" + path("old", "SHA256SUMS")),
                FileTime.from(Instant.now().minus(Duration.ofDays(15))));

        assertThat(labgate.bean(ArtifactRetention.class).sweep()).as("the default retention is 14 days").isEqualTo(1);

        assertThat(labgate.get(old).statusCode()).isEqualTo(404);
        assertThat(labgate.get(old).body()).contains("deleted after the retention period");
        assertThat(labgate.get(path("new", "bzImage")).statusCode()).isEqualTo(200);
        assertThat(List.of(labgate.bean(PolicyLabs.class).artifacts().root().toFile().list())).containsExactly("new");
    }
}
