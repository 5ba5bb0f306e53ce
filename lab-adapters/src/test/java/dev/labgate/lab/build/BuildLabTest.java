package dev.labgate.lab.build;

import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.event.Subject;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.kcidb.Resource;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.lab.Artifact;
import dev.labgate.core.lab.KernelArch;
import dev.labgate.core.lab.LabProgress;
import dev.labgate.core.lab.LabRun;
import dev.labgate.core.lab.TreeRequest;
import dev.labgate.core.verdict.Verdict;
import dev.labgate.kcidb.VerdictAggregator;
import dev.labgate.lab.KcidbSchema;
import dev.labgate.lab.artifact.ArtifactStore;
import dev.labgate.lab.command.CommandLab;
import dev.labgate.lab.command.CommandSettings;
import dev.labgate.lab.git.TreeFetcher;
import dev.labgate.lab.sandbox.Limits;
import dev.labgate.lab.sandbox.RealBubblewrap;
import dev.labgate.testkit.StandInKernel;
import dev.labgate.testkit.TestClock;
import dev.labgate.testkit.TestRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The build lab on a real git repository holding a stand-in kernel tree: real {@code make},
 * {@code sh}, {@code tar} and {@code xz} build it in the command lab, and the artifacts are
 * published with their checksums.
 */
class BuildLabTest {

    static final BuildSettings X86 = new BuildSettings(KernelArch.X86_64, "defconfig",
            List.of("kernel/configs/kvm_guest.config", "CONFIG_KUNIT=y"), "gcc", Optional.empty(),
            "defconfig+kvm_guest+labgate");

    @TempDir
    Path dir;
    TestRepository forge;
    ExecutorService executor;
    final TestClock clock = new TestClock(Instant.parse("2026-01-01T10:00:00Z"));

    @BeforeEach
    void setUp() {
        forge = TestRepository.create(dir.resolve("forge"), "acme/linux");
        forge.commit("refs/pull/1/head", null, "builds", StandInKernel.tree());
        forge.commit("refs/pull/2/head", null, "does not build", StandInKernel.broken());
        forge.commit("refs/pull/3/head", null, "links its image to a file of the host",
                StandInKernel.linkingImageTo(dir.resolve("host-secret").toString()));
        executor = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void tearDown() {
        executor.shutdownNow();
        forge.close();
    }

    private ArtifactStore store(long maxFileBytes) {
        return new ArtifactStore(dir.resolve("artifacts"), Optional.of("https://labgate.example/artifacts"),
                maxFileBytes, "a test key of thirty-two bytes or more".getBytes(StandardCharsets.US_ASCII), Optional.empty());
    }

    private BuildLab lab(BuildSettings settings, ArtifactStore store) {
        // The same sandbox as every command lab: the build, and what it leaves for publication, come from it.
        var command = new CommandLab("build", new CommandSettings(BuildLab.script(settings), Duration.ofMinutes(5),
                Map.of(), 1 << 20, new Limits(Optional.empty(), Optional.empty(), 256, 16 << 20, 256 << 20)), RealBubblewrap.sandbox(dir.resolve("check")),
                dir.resolve("work"), new TreeFetcher(dir.resolve("mirrors")), executor, clock);
        return new BuildLab(command, settings, store);
    }

    private TreeRequest request(String runId, int change) throws IOException {
        var head = forge.repository().resolve("refs/pull/" + change + "/head").name();
        return new TreeRequest(runId, new Subject.Change(new ChangeRef(new RepoRef("github", "acme/linux"), change)),
                TestRepository.gitUrl(dir.resolve("forge")) + "acme/linux.git", "refs/pull/" + change + "/head",
                head, null, List.of(), List.of());
    }

    private static KcidbData finish(BuildLab lab, LabRun run) {
        await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50))
                .until(() -> lab.poll(run) instanceof LabProgress.Finished);
        return ((LabProgress.Finished) lab.poll(run)).results();
    }

    @Test
    void a_build_publishes_the_kernel_modules_config_and_log_and_becomes_one_kcidb_build() throws Exception {
        var store = store(1 << 20);
        var lab = lab(X86, store);
        var run = lab.submit(request("build-1", 1));

        var results = finish(lab, run);

        assertThat(results.tests()).as("the stages after it test what it built").isEmpty();
        var build = results.builds().get(0);
        assertThat(build.status()).isEqualTo(Status.PASS);
        assertThat(build.architecture()).isEqualTo("x86_64");
        assertThat(build.configName()).isEqualTo("defconfig+kvm_guest+labgate");
        assertThat(build.compiler()).as("read from the .config it built").isEqualTo("stand-in cc 1.0");
        assertThat(build.comment()).isEqualTo("built x86_64 defconfig+kvm_guest+labgate with gcc");
        assertThat(build.outputFiles()).extracting(Resource::name)
                .containsExactly("bzImage", "modules.tar.xz", "kernel.config", "build.log");
        var urls = store.url("build-1").orElseThrow();
        assertThat(urls).matches("https://labgate\\.example/artifacts/build-1/[0-9a-f]{32}");
        assertThat(build.configUrl()).isEqualTo(urls + "/kernel.config");
        assertThat(build.logUrl()).isEqualTo(urls + "/build.log");
        assertThat(build.logExcerpt()).isEqualTo(StandInKernel.WARNING + "\n");
        assertThat(build.misc()).containsEntry("warnings", 1).containsEntry("errors", 0);
        assertThat(KcidbSchema.violations(results)).isEmpty();
        assertThat(new VerdictAggregator().aggregate(results).overall()).isEqualTo(Verdict.Overall.PASS);

        var config = Files.readString(store.find("build-1", "kernel.config").orElseThrow().path());
        assertThat(config).as("the fragments merged on top of the defconfig")
                .contains("CONFIG_MODULES=y", "CONFIG_KVM_GUEST=y", "CONFIG_KUNIT=y");
        var kernel = store.find("build-1", "bzImage").orElseThrow();
        assertThat(Files.readString(kernel.path())).isEqualTo("stand-in x86_64 kernel\n");
        var modules = store.find("build-1", "modules.tar.xz").orElseThrow().path();
        var listing = new ProcessBuilder("tar", "-tJf", modules.toString()).redirectErrorStream(true).start();
        assertThat(new String(listing.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("lib/modules/6.9.0-stand-in/kernel/drivers/stand-in.ko");
        assertThat(Files.exists(dir.resolve("work/build-1/build")))
                .as("the build directory is gone once published").isFalse();

        assertThat(lab.artifacts(run)).extracting(Artifact::name, Artifact::kind).containsExactly(
                tuple("bzImage", Artifact.Kind.KERNEL), tuple("modules.tar.xz", Artifact.Kind.MODULES),
                tuple("kernel.config", Artifact.Kind.CONFIG), tuple("build.log", Artifact.Kind.LOG));
        assertThat(lab.artifacts(run).get(0)).satisfies(a -> {
            assertThat(a.url()).isEqualTo(urls + "/bzImage");
            assertThat(a.sha256()).isEqualTo(ArtifactStore.sha256(kernel.path()));
        });
        assertThat(finish(lab, run)).as("polled again, the same answer").isEqualTo(results);
    }

    @Test
    void an_image_the_build_made_a_link_to_a_file_of_the_host_is_left_out_with_the_reason() throws Exception {
        Files.writeString(dir.resolve("host-secret"), "LABGATE_LAVA_TOKEN=s3cret\n");
        var store = store(1 << 20);
        var lab = lab(X86, store);
        var run = lab.submit(request("build-3", 3));

        var build = finish(lab, run).builds().get(0);

        assertThat(build.status()).as("make said it built").isEqualTo(Status.PASS);
        assertThat(build.outputFiles()).extracting(Resource::name).doesNotContain("bzImage");
        assertThat(build.comment()).contains("bzImage is a symbolic link or under one, and was not kept");
        assertThat(store.find("build-3", "bzImage")).isEmpty();
        assertThat(lab.artifacts(run)).extracting(Artifact::name).doesNotContain("bzImage");
        try (var published = Files.walk(dir.resolve("artifacts"))) {
            assertThat(published.filter(Files::isRegularFile)).allSatisfy(f ->
                    assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
                            .doesNotContain("s3cret"));
        }
    }

    @Test
    void a_build_that_does_not_compile_fails_with_the_error_as_its_log_excerpt_and_keeps_its_config_and_log()
            throws Exception {
        var store = store(1 << 20);
        var lab = lab(X86, store);
        var run = lab.submit(request("build-2", 2));

        var results = finish(lab, run);

        var build = results.builds().get(0);
        assertThat(build.status()).isEqualTo(Status.FAIL);
        assertThat(build.comment()).startsWith("the build of x86_64 defconfig+kvm_guest+labgate with gcc failed (exit "
                + "status 2)");
        assertThat(build.logExcerpt()).as("the warnings, then the error: reports quote the last line")
                .isEqualTo(StandInKernel.WARNING + "\n" + StandInKernel.ERROR + "\n");
        assertThat(build.misc()).containsEntry("errors", 1);
        assertThat(store.files("build-2")).extracting(ArtifactStore.Stored::name)
                .containsExactly("kernel.config", "build.log");
        var verdict = new VerdictAggregator().aggregate(results);
        assertThat(verdict.overall()).isEqualTo(Verdict.Overall.FAIL);
        assertThat(verdict.headline()).contains("build");
        assertThat(verdict.failures()).singleElement().satisfies(f ->
                assertThat(f.configuration()).isEqualTo("x86_64 defconfig+kvm_guest+labgate"));
        assertThat(KcidbSchema.violations(results)).isEmpty();
    }

    @Test
    void an_artifact_over_the_size_limit_is_left_out_and_the_build_says_so() throws Exception {
        var store = store(64);
        var lab = lab(X86, store);
        var run = lab.submit(request("build-3", 1));

        var build = finish(lab, run).builds().get(0);

        assertThat(build.status()).as("the code built").isEqualTo(Status.PASS);
        assertThat(build.outputFiles()).extracting(Resource::name).doesNotContain("modules.tar.xz", "build.log");
        assertThat(build.comment()).contains("modules.tar.xz is ", "over the limit of 64 bytes");
        assertThat(build.misc()).containsKey("artifacts_left_out");
        assertThat(lab.artifacts(run)).extracting(Artifact::kind).doesNotContain(Artifact.Kind.MODULES);
    }

    @Test
    void an_arm64_cross_build_asks_for_the_image_modules_and_device_trees() throws Exception {
        var arm64 = new BuildSettings(KernelArch.ARM64, "defconfig", List.of(), "gcc-12",
                Optional.of("aarch64-linux-gnu-"), "defconfig");
        var script = BuildLab.script(arm64);
        assertThat(script).contains("make ARCH=arm64 O=\"$out\" CROSS_COMPILE='aarch64-linux-gnu-' "
                + "CC='aarch64-linux-gnu-gcc-12'", "targets=Image", "targets=\"$targets dtbs\"", "dtbs_install");
        assertThat(BuildLab.script(new BuildSettings(KernelArch.RISCV, "defconfig", List.of(), "clang-17",
                Optional.empty(), "defconfig"))).contains("make ARCH=riscv O=\"$out\" LLVM='-17'");

        var store = store(1 << 20);
        var lab = lab(arm64, store);
        var run = lab.submit(request("build-4", 1));
        var build = finish(lab, run).builds().get(0);

        assertThat(build.status()).isEqualTo(Status.PASS);
        assertThat(build.outputFiles()).extracting(Resource::name).contains("Image",
                "dtbs/broadcom/bcm2711-rpi-4-b.dtb");
        assertThat(lab.artifacts(run)).filteredOn(a -> a.kind() == Artifact.Kind.DEVICE_TREE).singleElement()
                .satisfies(a -> assertThat(a.name()).isEqualTo("dtbs/broadcom/bcm2711-rpi-4-b.dtb"));
    }

    @Test
    void quoting_keeps_every_value_one_word_for_the_shell() {
        assertThat(BuildLab.quote("it's")).isEqualTo("'it'\\''s'");
        var script = BuildLab.script(new BuildSettings(KernelArch.X86_64, "defconfig",
                List.of("CONFIG_CMDLINE=\"console=ttyS0 root=/dev/vda\""), "gcc", Optional.empty(), "defconfig"));
        assertThat(script).contains("printf '%s\\n' 'CONFIG_CMDLINE=\"console=ttyS0 root=/dev/vda\"' "
                + "> \"$out/labgate.config\"");
    }
}
