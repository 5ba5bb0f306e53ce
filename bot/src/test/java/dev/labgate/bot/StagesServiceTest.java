package dev.labgate.bot;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.labgate.bot.store.JdbcRunStore;
import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.forge.ForgeReports;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;
import dev.labgate.testkit.FakeGitHub;
import dev.labgate.testkit.FakeLava;
import dev.labgate.testkit.FakeS3;
import dev.labgate.testkit.FileServer;
import dev.labgate.testkit.StandInKernel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The worked example of docs/labs.md, run by the service on its embedded default: the shipped
 * {@code policy/build-and-boot.yml} and its LAVA template, a build lab that builds a stand-in
 * kernel tree with real {@code make} in the command lab's sandbox, and a LAVA server (the fake)
 * whose worker downloads the kernel and modules from labgate's {@code /artifacts} and checks them
 * against the checksums the job carries.
 */
class StagesServiceTest {

    static final String LAVA_TOKEN = "lava-test-token";
    static final Path EXAMPLE = Path.of("..", "policy", "build-and-boot.yml");
    static final String BUCKET = "labgate-artifacts";

    @TempDir
    Path tmp;

    private Scenario scenario;
    private RunningLabgate labgate;
    private FakeLava lava;
    private FileServer files;
    /** The bucket of the tests whose name says so; labs then download from it, not from labgate. */
    private FakeS3 s3;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private String kernelHead;
    private String brokenHead;

    @BeforeEach
    void start(TestInfo test) throws IOException {
        assertThat(System.getenv("LABGATE_TEST_LAVA_TOKEN")).as("set by bot/pom.xml for the tests").isEqualTo(LAVA_TOKEN);
        scenario = new Scenario(tmp, "true");
        kernelHead = scenario.git.commit("refs/pull/8/head", scenario.base, "a kernel that builds", StandInKernel.tree());
        brokenHead = scenario.git.commit("refs/pull/9/head", scenario.base, "a kernel that does not build",
                StandInKernel.broken());
        lava = new FakeLava(LAVA_TOKEN);
        files = new FileServer();
        var rootfs = files.put("/rootfs/debian-bookworm-amd64.ext4.xz", "a root file system".getBytes(
                StandardCharsets.UTF_8));
        var example = Files.readString(EXAMPLE)
                .replace("example-org/linux", Scenario.REPO)
                .replace("https://lava.example.org", lava.url().toString())
                .replace("LABGATE_LAVA_TOKEN", "LABGATE_TEST_LAVA_TOKEN")
                .replace("template: lava/", "template: " + EXAMPLE.getParent().toAbsolutePath() + "/lava/")
                .replace("https://files.example.org/rootfs/debian-bookworm-amd64.ext4.xz", rootfs);
        var name = test.getTestMethod().orElseThrow().getName();
        if (name.contains("size_limit")) {
            example = example.replace("max-size: 512M", "max-size: 64");
        }
        if (name.contains("bucket")) {
            assertThat(System.getenv("LABGATE_TEST_S3_ACCESS_KEY_ID")).as("set by bot/pom.xml for the tests").isNotNull();
            s3 = new FakeS3("us-east-1");
            s3.key(System.getenv("LABGATE_TEST_S3_ACCESS_KEY_ID"), name.contains("refuses")
                    ? "another-secret-than-labgates-0123456789" : System.getenv("LABGATE_TEST_S3_SECRET_ACCESS_KEY"));
            s3.bucket(BUCKET, true);
            example = example.replace("max-size: 512M", """
                    max-size: 512M
                      s3:
                        endpoint: %s
                        bucket: %s
                        prefix: ci/
                        access-key-id-env: LABGATE_TEST_S3_ACCESS_KEY_ID
                        secret-access-key-env: LABGATE_TEST_S3_SECRET_ACCESS_KEY
                    """.formatted(s3.url(), BUCKET));
        }
        log.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(log);
        Files.writeString(scenario.root.resolve("policy.yml"), example);
        labgate = new RunningLabgate(RunningLabgate.reachableAtItsPublicUrl(scenario.properties()));
        scenario.github.permission(Scenario.REPO, "alice", "write");
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(log);
        labgate.close();
        lava.close();
        files.close();
        if (s3 != null) {
            s3.close();
        }
        scenario.close();
    }

    private void open(long number, String head) {
        scenario.github.openChange(Scenario.REPO, number, "alice", head, scenario.base, false,
                List.of("init/main.c"), List.of(head));
        assertThat(labgate.postGitHub("pull_request", "d-" + number, Fixtures.pullRequest("opened", Scenario.REPO,
                number, "alice", head, scenario.base, false), Scenario.SECRET).statusCode()).isEqualTo(202);
    }

    private Run run(long number, String head, String lab) {
        var key = new ChangeRef(new RepoRef("github", Scenario.REPO), number).key();
        return labgate.bean(JdbcRunStore.class).forHead(key, head).stream().filter(r -> r.lab().equals(lab))
                .findFirst().orElseThrow();
    }

    private List<FakeGitHub.Status> finalStatuses(String head) {
        return PullRequestFlowTest.finalStatuses(scenario.github, head);
    }

    private String summary(long number) {
        return scenario.github.comments(Scenario.REPO, number).stream()
                .filter(c -> c.body().startsWith(ForgeReports.SUMMARY_MARKER)).reduce((a, b) -> b).orElseThrow().body();
    }

    /** Where a run's files are downloaded, with its token, as labgate hands them to labs: ends with a slash. */
    private String artifacts(String runId) {
        return labgate.bean(PolicyLabs.class).artifacts().url(runId).orElseThrow() + "/";
    }

    /** The SHA-256 of each file of a run, as labgate serves them in its SHA256SUMS. */
    private Map<String, String> checksums(String runId) {
        var answer = labgate.get(URI.create(artifacts(runId)).getPath() + "SHA256SUMS");
        assertThat(answer.statusCode()).isEqualTo(200);
        return answer.body().lines().map(l -> l.split(" {2}")).collect(Collectors.toMap(p -> p[1], p -> p[0]));
    }

    @Test
    void the_worked_example_builds_then_boots_the_build_on_lava_and_reports_both_in_one_verdict() throws Exception {
        open(8, kernelHead);

        await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
                .until(() -> run(8, kernelHead, "qemu-kunit").labRun() != null);
        var build = run(8, kernelHead, "build");
        var boot = run(8, kernelHead, "qemu-kunit");
        assertThat(build.state()).isEqualTo(RunState.PASSED);
        var runs = labgate.bean(JdbcRunStore.class);
        var built = runs.transitions(build.id()).stream().filter(t -> t.to() == RunState.PASSED).findFirst()
                .orElseThrow().at();
        assertThat(runs.transitions(boot.id())).extracting(JdbcRunStore.Transition::to)
                .containsSubsequence(RunState.WAITING, RunState.PLANNED, RunState.SUBMITTED);
        assertThat(runs.transitions(boot.id()).stream().filter(t -> t.to() == RunState.SUBMITTED).findFirst()
                .orElseThrow().at()).as("LAVA gets the job only once the build passed").isAfterOrEqualTo(built);
        assertThat(lava.jobs()).hasSize(1);
        assertThat(scenario.github.statuses(Scenario.REPO, kernelHead)).extracting(FakeGitHub.Status::context,
                FakeGitHub.Status::state, FakeGitHub.Status::description).contains(
                org.assertj.core.groups.Tuple.tuple("labgate/qemu-kunit", "pending", "Waiting for build"),
                org.assertj.core.groups.Tuple.tuple("labgate/build", "success", "Passed: 1 build passed"));

        var sums = checksums(build.id());
        assertThat(sums).containsOnlyKeys("bzImage", "modules.tar.xz", "kernel.config", "build.log");
        var artifacts = artifacts(build.id());
        assertThat(artifacts).startsWith(labgate.bean(LabgateSettings.class).publicUrl().orElseThrow() + "/artifacts/"
                + build.id() + "/");
        var job = lava.jobs().get(0);
        assertThat(job.definition()).contains("url: " + artifacts + "bzImage", "sha256sum: " + sums.get("bzImage"),
                "url: " + artifacts + "modules.tar.xz", "sha256sum: " + sums.get("modules.tar.xz"));

        assertThat(lava.start(job.id())).as("the worker got every file of the deploy action").isTrue();
        assertThat(job.downloads()).extracting(FakeLava.Download::url, FakeLava.Download::sha256).contains(
                org.assertj.core.groups.Tuple.tuple(artifacts + "bzImage", sums.get("bzImage")),
                org.assertj.core.groups.Tuple.tuple(artifacts + "modules.tar.xz", sums.get("modules.tar.xz")));
        lava.finish(job.id(), "Complete", null, List.of(FakeLava.Case.job("pass", null, null),
                FakeLava.Case.of("lava", "auto-login-action", "pass"),
                FakeLava.Case.of("1_kunit", "kunit-example-test-example_simple_test", "pass"),
                FakeLava.Case.of("1_kunit", "kunit-example-test-example_mark_skipped_test", "skip"),
                FakeLava.Case.of("1_kunit", "list-sort-list_sort_test", "fail")));
        assertThat(lava.sendCallback(job.id())).as("taken: the poll is due now").isEqualTo(202);

        await().atMost(Duration.ofSeconds(30)).until(() -> finalStatuses(kernelHead).size() == 2);
        assertThat(finalStatuses(kernelHead)).extracting(FakeGitHub.Status::context, FakeGitHub.Status::state)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("labgate/build", "success"),
                        org.assertj.core.groups.Tuple.tuple("labgate/qemu-kunit", "failure"));
        await().atMost(Duration.ofSeconds(30)).until(() -> summary(8).contains("❌ **fail**"));
        var summary = summary(8);
        assertThat(summary.indexOf("[build]")).as("stages in order").isLessThan(summary.indexOf("[qemu-kunit]"));
        assertThat(summary).contains("[qemu-kunit](", "(after build) failed", "kunit.list-sort-list_sort_test");

        var page = labgate.get("/runs/" + boot.id());
        assertThat(page.body()).contains("after build");
    }

    @Test
    void a_build_that_fails_is_the_verdict_and_the_boot_is_not_run_with_that_reason() {
        open(9, brokenHead);

        await().atMost(Duration.ofSeconds(90)).until(() -> finalStatuses(brokenHead).size() == 2);
        assertThat(run(9, brokenHead, "build").state()).isEqualTo(RunState.FAILED);
        var boot = run(9, brokenHead, "qemu-kunit");
        assertThat(boot.state()).isEqualTo(RunState.SKIPPED);
        assertThat(boot.note()).isEqualTo("not run: build failed");
        assertThat(lava.jobs()).as("nothing reached the boards").isEmpty();
        assertThat(finalStatuses(brokenHead)).extracting(FakeGitHub.Status::context, FakeGitHub.Status::state,
                FakeGitHub.Status::description).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("labgate/build", "failure",
                        "Failed: 1 failure not compared (no baseline): build (x86_64 defconfig+kvm_guest+labgate): "
                                + "init/main.c:7:1: error: expected ';…"),
                org.assertj.core.groups.Tuple.tuple("labgate/qemu-kunit", "error", "Not run: build failed"));
        await().atMost(Duration.ofSeconds(30)).until(() -> summary(9).contains("❌ **fail**"));
        assertThat(summary(9)).contains("(after build) skipped (not run: build failed)", StandInKernel.ERROR);
        var log = labgate.get(URI.create(artifacts(run(9, brokenHead, "build").id())).getPath() + "build.log");
        assertThat(log.statusCode()).isEqualTo(200);
        assertThat(log.body()).contains(StandInKernel.ERROR);
    }

    @Test
    void an_archive_over_the_size_limit_is_not_kept_and_the_boot_that_needs_it_says_so() {
        open(8, kernelHead);

        await().atMost(Duration.ofSeconds(90)).until(() -> finalStatuses(kernelHead).size() == 2);
        var build = run(8, kernelHead, "build");
        assertThat(build.state()).as("the code built").isEqualTo(RunState.PASSED);
        assertThat(checksums(build.id())).containsKey("bzImage").doesNotContainKey("modules.tar.xz");
        var boot = run(8, kernelHead, "qemu-kunit");
        assertThat(boot.state()).isEqualTo(RunState.ERRORED);
        assertThat(boot.note()).contains("{{ modules_url }} has no value: the build before this run published no "
                + "modules");
        assertThat(lava.jobs()).isEmpty();
    }

    @Test
    void with_a_bucket_the_build_is_uploaded_and_lava_boots_it_from_the_bucket() throws Exception {
        open(8, kernelHead);

        await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
                .until(() -> run(8, kernelHead, "qemu-kunit").labRun() != null);
        var build = run(8, kernelHead, "build");
        assertThat(build.state()).isEqualTo(RunState.PASSED);
        var artifacts = artifacts(build.id());
        var token = artifacts.split("/")[6];
        assertThat(artifacts).as("the bucket's URL, path-style, with the run's token")
                .isEqualTo(s3.url() + "/" + BUCKET + "/ci/" + build.id() + "/" + token + "/");
        assertThat(s3.keys(BUCKET)).containsExactlyInAnyOrder(Stream.of("bzImage", "modules.tar.xz", "kernel.config",
                "build.log", "SHA256SUMS").map(f -> "ci/" + build.id() + "/" + token + "/" + f).toArray(String[]::new));
        var sums = new String(s3.object(BUCKET, "ci/" + build.id() + "/" + token + "/SHA256SUMS").orElseThrow().bytes(),
                StandardCharsets.UTF_8).lines().map(l -> l.split(" {2}")).collect(Collectors.toMap(p -> p[1], p -> p[0]));
        assertThat(sums).as("the files labgate keeps").isEqualTo(labgate.bean(PolicyLabs.class).artifacts()
                .files(build.id()).stream().collect(Collectors.toMap(f -> f.name(), f -> f.sha256())));

        var job = lava.jobs().get(0);
        assertThat(job.definition()).contains("url: " + artifacts + "bzImage", "sha256sum: " + sums.get("bzImage"),
                "url: " + artifacts + "modules.tar.xz", "sha256sum: " + sums.get("modules.tar.xz"));
        assertThat(lava.start(job.id())).as("the worker got every file of the deploy action").isTrue();
        assertThat(job.downloads()).extracting(FakeLava.Download::url, FakeLava.Download::sha256).contains(
                org.assertj.core.groups.Tuple.tuple(artifacts + "bzImage", sums.get("bzImage")),
                org.assertj.core.groups.Tuple.tuple(artifacts + "modules.tar.xz", sums.get("modules.tar.xz")));
        assertThat(s3.requests()).filteredOn(r -> r.method().equals("GET") && r.path().endsWith("/bzImage"))
                .as("downloaded from the bucket").isNotEmpty();
        lava.finish(job.id(), "Complete", null, List.of(FakeLava.Case.job("pass", null, null),
                FakeLava.Case.of("lava", "auto-login-action", "pass"),
                FakeLava.Case.of("1_kunit", "kunit-example-test-example_simple_test", "pass")));
        assertThat(lava.sendCallback(job.id())).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> finalStatuses(kernelHead).size() == 2);
        assertThat(finalStatuses(kernelHead)).extracting(FakeGitHub.Status::context, FakeGitHub.Status::state)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("labgate/build", "success"),
                        org.assertj.core.groups.Tuple.tuple("labgate/qemu-kunit", "success"));

        s3.backdate(BUCKET, "ci/", Duration.ofDays(15));
        Files.setLastModifiedTime(labgate.bean(PolicyLabs.class).artifacts().root().resolve(build.id()).resolve(token)
                .resolve("SHA256SUMS"), FileTime.from(Instant.now().minus(Duration.ofDays(15))));
        assertThat(labgate.bean(ArtifactRetention.class).sweep()).as("14 days of retention").isEqualTo(1);
        assertThat(s3.keys(BUCKET)).as("the bucket's objects went with the run").isEmpty();
    }

    @Test
    void a_bucket_that_refuses_labgates_credentials_fails_the_build_with_the_reason_and_the_boot_is_not_run() {
        open(8, kernelHead);

        await().atMost(Duration.ofSeconds(90)).until(() -> finalStatuses(kernelHead).size() == 2);
        var build = run(8, kernelHead, "build");
        assertThat(build.state()).isEqualTo(RunState.ERRORED);
        assertThat(build.note()).isEqualTo("lab build refused: cannot upload bzImage: S3 bucket '" + BUCKET + "' refused "
                + "labgate's credentials (HTTP 403 SignatureDoesNotMatch: The request signature we calculated does not "
                + "match the signature you provided. Check your key and signing method.): check "
                + "LABGATE_TEST_S3_ACCESS_KEY_ID and LABGATE_TEST_S3_SECRET_ACCESS_KEY (PutObject at "
                + s3.url().getAuthority() + ")");
        var boot = run(8, kernelHead, "qemu-kunit");
        assertThat(boot.state()).isEqualTo(RunState.SKIPPED);
        assertThat(boot.note()).isEqualTo("not run: build had an infrastructure error: " + build.note());
        assertThat(lava.jobs()).as("nothing reached the boards").isEmpty();
        assertThat(s3.keys(BUCKET)).isEmpty();
        assertThat(labgate.bean(PolicyLabs.class).artifacts().find(build.id(), "bzImage")).as("nothing half-published")
                .isEmpty();
        assertThat(finalStatuses(kernelHead)).extracting(FakeGitHub.Status::context, FakeGitHub.Status::state)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("labgate/build", "error"),
                        org.assertj.core.groups.Tuple.tuple("labgate/qemu-kunit", "error"));
        assertThat(finalStatuses(kernelHead)).filteredOn(s -> s.context().equals("labgate/build"))
                .extracting(FakeGitHub.Status::description).singleElement().asString()
                .startsWith("Infrastructure error: lab build refused: cannot upload bzImage: S3 bucket '" + BUCKET
                        + "' refused labgate's credentials");

        var secret = System.getenv("LABGATE_TEST_S3_SECRET_ACCESS_KEY");
        await().atMost(Duration.ofSeconds(30)).until(() -> summary(8).contains("not run: build had an infrastructure"));
        var said = new ArrayList<String>();
        scenario.github.statuses(Scenario.REPO, kernelHead).forEach(s -> said.add(s.description()));
        scenario.github.comments(Scenario.REPO, 8).forEach(c -> said.add(c.body()));
        said.add(labgate.get("/runs/" + build.id()).body());
        said.add(labgate.get("/runs/" + boot.id()).body());
        log.list.forEach(event -> {
            said.add(event.getFormattedMessage());
            Optional.ofNullable(event.getThrowableProxy()).ifPresent(t -> said.add(t.getMessage()));
        });
        assertThat(String.join("\n", said)).as("what labgate wrote and logged").contains("SignatureDoesNotMatch")
                .doesNotContain(secret);
    }
}
