package dev.labgate.lab.lava;

import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.event.Subject;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.lab.Artifact;
import dev.labgate.core.lab.LabException;
import dev.labgate.core.lab.LabProgress;
import dev.labgate.core.lab.TreeRequest;
import dev.labgate.core.verdict.Verdict;
import dev.labgate.kcidb.VerdictAggregator;
import dev.labgate.testkit.FakeLava;
import dev.labgate.testkit.FileServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * A LAVA lab that runs after a build boots what the build published: the job template gets the
 * artifacts' URLs and checksums, and a worker (the fake) downloads every one of them, refusing a
 * missing file or a wrong checksum as a real worker does.
 */
class LavaInputsTest {

    static final String TOKEN = "f00dcafe1234";
    static final byte[] KEY = "a callback key of thirty-two bytes or more".getBytes(StandardCharsets.UTF_8);
    static final String HEAD = "0123456789abcdef0123456789abcdef01234567";

    /** A boot of the build's kernel and modules, each checked by LAVA against its SHA-256. */
    static final String TEMPLATE = """
            device_type: qemu
            job_name: "labgate {{ subject }} {{ commit_short }}"
            visibility: personal
            timeouts:
              job:
                minutes: 10
            actions:
            - deploy:
                to: tmpfs
                images:
                  kernel:
                    url: {{ kernel_url }}
                    sha256sum: "{{ kernel_sha256 }}"
                  modules:
                    url: {{ modules_url }}
                    sha256sum: "{{ modules_sha256 }}"
                    compression: xz
            - boot:
                method: qemu
                media: tmpfs
            """;

    FakeLava lava;
    FileServer files;

    @BeforeEach
    void setUp() throws IOException {
        lava = new FakeLava(TOKEN);
        files = new FileServer();
    }

    @AfterEach
    void tearDown() {
        lava.close();
        files.close();
    }

    private LavaLab lab(String template, String deviceTree) {
        return new LavaLab("boot", new LavaSettings(lava.url().toString(), TOKEN, template, Map.of(), null, null,
                Duration.ofMinutes(1), deviceTree), KEY);
    }

    private Artifact publish(String name, Artifact.Kind kind, String content) {
        var body = content.getBytes(StandardCharsets.UTF_8);
        var url = files.put("/artifacts/build-run/" + name, body);
        return new Artifact(name, kind, url, sha256(body), body.length);
    }

    private static TreeRequest request(List<Artifact> inputs) {
        return new TreeRequest("boot-run", new Subject.Change(new ChangeRef(new RepoRef("github", "acme/linux"), 7)),
                "https://github.com/acme/linux.git", "refs/pull/7/head", HEAD, null, List.of(), inputs);
    }

    @org.junit.jupiter.api.Test
    void the_job_boots_the_builds_kernel_and_modules_and_the_worker_checks_their_checksums() {
        var kernel = publish("bzImage", Artifact.Kind.KERNEL, "the kernel");
        var modules = publish("modules.tar.xz", Artifact.Kind.MODULES, "the modules");
        var log = publish("build.log", Artifact.Kind.LOG, "the log");
        lab(TEMPLATE, null).submit(request(List.of(kernel, modules, log)));

        var job = lava.jobs().get(0);
        assertThat(job.definition()).contains("url: " + kernel.url(), "sha256sum: " + kernel.sha256(),
                "url: " + modules.url(), "sha256sum: " + modules.sha256());
        assertThat(lava.start(job.id())).isTrue();
        assertThat(job.downloads()).extracting(FakeLava.Download::url, FakeLava.Download::sha256)
                .containsExactly(tuple(kernel.url(), kernel.sha256()), tuple(modules.url(), modules.sha256()));
    }

    @org.junit.jupiter.api.Test
    void an_artifact_that_is_gone_ends_the_job_incomplete_and_labgate_reads_that_as_the_harness_not_the_code() {
        var kernel = publish("bzImage", Artifact.Kind.KERNEL, "the kernel");
        var modules = new Artifact("modules.tar.xz", Artifact.Kind.MODULES, files.url() + "/artifacts/expired",
                "0".repeat(64), 10);
        var lab = lab(TEMPLATE, null);
        var run = lab.submit(request(List.of(kernel, modules)));
        var job = lava.jobs().get(0);

        assertThat(lava.start(job.id())).isFalse();
        assertThat(job.health()).isEqualTo("Incomplete");
        var results = ((LabProgress.Finished) lab.poll(run)).results();
        assertThat(results.tests()).filteredOn(t -> t.path().equals("lava.job")).singleElement().satisfies(t -> {
            assertThat(t.status()).isEqualTo(Status.MISS);
            assertThat(t.comment()).contains("Resource unavailable at '" + modules.url() + "' (404)");
        });
        assertThat(new VerdictAggregator().aggregate(results).overall()).isEqualTo(Verdict.Overall.INFRA_ERROR);
    }

    @org.junit.jupiter.api.Test
    void a_file_that_does_not_match_its_checksum_ends_the_job_as_lava_does() {
        var kernel = publish("bzImage", Artifact.Kind.KERNEL, "the kernel");
        var modules = publish("modules.tar.xz", Artifact.Kind.MODULES, "the modules");
        var altered = new Artifact(kernel.name(), kernel.kind(), kernel.url(), "f".repeat(64), kernel.size());
        var lab = lab(TEMPLATE, null);
        var run = lab.submit(request(List.of(altered, modules)));
        var job = lava.jobs().get(0);

        assertThat(lava.start(job.id())).isFalse();
        var results = ((LabProgress.Finished) lab.poll(run)).results();
        assertThat(results.tests()).filteredOn(t -> t.path().equals("lava.job")).singleElement()
                .satisfies(t -> assertThat(t.comment()).contains("sha256 for '" + kernel.url() + "' does not match."));
    }

    @org.junit.jupiter.api.Test
    void a_template_that_needs_a_kernel_is_refused_when_the_run_comes_after_no_build_and_nothing_is_sent() {
        var lab = lab(TEMPLATE, null);
        assertThatThrownBy(() -> lab.submit(request(List.of())))
                .isInstanceOf(LabException.class)
                .hasMessageContaining("{{ kernel_url }} has no value: this run comes after no build")
                .satisfies(e -> assertThat(((LabException) e).retryable()).isFalse());
        var onlyKernel = List.of(publish("bzImage", Artifact.Kind.KERNEL, "k"));
        assertThatThrownBy(() -> lab.submit(request(onlyKernel)))
                .hasMessageContaining("{{ modules_url }} has no value: the build before this run published no modules");
        assertThat(lava.jobs()).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void the_boards_device_tree_comes_from_the_build_by_its_name() {
        var template = TEMPLATE.replace("""
                  modules:
                    url: {{ modules_url }}
                    sha256sum: "{{ modules_sha256 }}"
                    compression: xz
            """, """
                  dtb:
                    url: {{ dtb_url }}
                    sha256sum: "{{ dtb_sha256 }}"
            """);
        var kernel = publish("Image", Artifact.Kind.KERNEL, "an arm64 kernel");
        var other = publish("dtbs/broadcom/bcm2837-rpi-3-b.dtb", Artifact.Kind.DEVICE_TREE, "rpi3");
        var wanted = publish("dtbs/broadcom/bcm2711-rpi-4-b.dtb", Artifact.Kind.DEVICE_TREE, "rpi4");
        lab(template, "broadcom/bcm2711-rpi-4-b.dtb").submit(request(List.of(kernel, other, wanted)));

        var job = lava.jobs().get(0);
        assertThat(job.definition()).contains("url: " + wanted.url()).doesNotContain(other.url());
        assertThat(lava.start(job.id())).isTrue();
        assertThat(job.downloads()).extracting(FakeLava.Download::url).containsExactly(kernel.url(), wanted.url());
    }

    static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
