package dev.labgate.lab.kernelci;

import dev.labgate.core.Sha256;
import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.event.Subject;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.kcidb.Test;
import dev.labgate.core.lab.LabException;
import dev.labgate.core.lab.LabProgress;
import dev.labgate.core.lab.LabRun;
import dev.labgate.core.lab.TreeRequest;
import dev.labgate.core.verdict.Verdict;
import dev.labgate.kcidb.VerdictAggregator;
import dev.labgate.lab.KcidbSchema;
import dev.labgate.lab.git.TreeFetcher;
import dev.labgate.testkit.FakeMaestro;
import dev.labgate.testkit.TestRepository;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * KernelCI end to end against a fake pipeline and Maestro on loopback and real git repositories:
 * the forge's repository holds the change, the lab-facing repository receives labgate's push, and
 * the fake pipeline refuses a checkout whose commit that repository cannot reach.
 */
class KernelCiLabTest {

    /** {"sub":"labgate-test","email":"labgate@example.org","permissions":["checkout"]}, as jwt_generator.py writes. */
    static final String TOKEN = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJsYWJnYXRlLXRlc3QiLCJlbWFpbCI6ImxhYmdhdGVAZXhh"
            + "bXBsZS5vcmciLCJwZXJtaXNzaW9ucyI6WyJjaGVja291dCJdfQ.c2lnbmF0dXJl";
    static final Subject CHANGE = new Subject.Change(new ChangeRef(new RepoRef("github", "example-org/linux"), 12));
    static final String LAB_BRANCH = "labgate/github-example-org-linux-12";

    @TempDir
    Path dir;
    TestRepository forge;
    TestRepository labRepository;
    FakeMaestro maestro;
    String base;
    String head;
    String treeUrl;

    @BeforeEach
    void setUp() throws IOException {
        forge = TestRepository.create(dir.resolve("forge"), "example-org/linux");
        base = forge.commit("refs/heads/master", null, "base", Map.of("Makefile", "all:\n"));
        head = forge.commit("refs/pull/12/head", base, "the change", Map.of("Makefile", "all:\n\ttrue\n"));
        labRepository = TestRepository.create(dir.resolve("lab"), "kernelci/linux");
        labRepository.commit("refs/heads/master", null, "the lab's own history", Map.of("README", "lab\n"));
        treeUrl = labRepository.directory().toUri().toString();
        maestro = new FakeMaestro(TOKEN).tree("kernelci", treeUrl)
                .jobs("kbuild-gcc-12-x86", "baseline-x86", "kselftest-cpufreq").platforms("qemu-x86")
                .reachable((url, commit) -> reachableInLabRepository(commit));
    }

    @AfterEach
    void tearDown() {
        maestro.close();
        forge.close();
        labRepository.close();
    }

    KernelCiSettings settings(UnaryOperator<KernelCiSettings> change) {
        var settings = new KernelCiSettings(maestro.url().toString(), maestro.url().toString(), TOKEN, treeUrl, null,
                null, null, "master", List.of("baseline-x86", "kselftest-cpufreq"), List.of("qemu-x86"),
                Duration.ofSeconds(20), null);
        return change.apply(settings);
    }

    KernelCiLab lab() {
        return lab(settings(s -> s));
    }

    KernelCiLab lab(KernelCiSettings settings) {
        return new KernelCiLab("kernelci", settings, new TreeFetcher(dir.resolve("mirrors")), dir.resolve("scratch"),
                maestro.clock());
    }

    TreeRequest request(String runId, String commit, String ref) {
        return new TreeRequest(runId, CHANGE, TestRepository.gitUrl(dir.resolve("forge")) + "example-org/linux.git",
                ref, commit, base, List.of(), List.of());
    }

    @org.junit.jupiter.api.Test
    void a_change_is_pushed_checked_out_and_followed_until_its_tree_is_done() {
        var lab = lab();
        var run = lab.submit(request("run-1", head, "refs/pull/12/head"));

        assertThat(labBranch()).as("the head is on the lab branch").isEqualTo(head);
        var sent = maestro.checkoutRequests();
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).toString()).isEqualTo("{\"url\":\"" + treeUrl + "\",\"branch\":\"master\",\"commit\":\""
                + head + "\",\"jobfilter\":[\"baseline-x86\",\"kselftest-cpufreq\"],\"platformfilter\":[\"qemu-x86\"]}");
        assertThat(maestro.requests().stream().filter(r -> r.path().equals("/api/checkout")))
                .allSatisfy(r -> assertThat(r.headers().get("Authorization")).isEqualTo(TOKEN));
        var treeId = run.externalId().split(":")[0];
        var checkout = maestro.checkout(treeId).path("id").asText();
        assertThat(maestro.checkout(treeId).path("result").isNull()).as("the commit was reachable").isTrue();
        assertThat(run.url()).isEqualTo(maestro.url() + "/viewer?node_id=" + checkout);

        assertThat(lab.poll(run)).isEqualTo(new LabProgress.Running("KernelCI is preparing the tree"));

        maestro.set(checkout, "available", null, null);
        var build = maestro.add(checkout, "kbuild", "kbuild-gcc-12-x86", "kubernetes");
        maestro.artifact(build, "build_log", "https://storage.example.org/build.log");
        maestro.set(build, "available", "pass", null);
        var baseline = maestro.add(build, "job", "baseline-x86", "qemu-x86");
        var login = maestro.add(baseline, "test", "login", "qemu-x86");
        var kselftest = maestro.add(build, "job", "kselftest-cpufreq", "qemu-x86");
        var cpufreq = maestro.add(kselftest, "test", "cpufreq_main_sh", "qemu-x86");
        maestro.set(baseline, "done", "pass", null);
        maestro.set(login, "done", "pass", null);

        assertThat(lab.poll(run)).isEqualTo(new LabProgress.Running("KernelCI: 2 of 5 nodes done"));

        maestro.artifact(kselftest, "lava_log", "https://storage.example.org/kselftest.log.gz");
        maestro.set(kselftest, "done", "fail", null);
        maestro.set(cpufreq, "done", "fail", null);
        maestro.set(build, "done", "pass", null);
        maestro.set(checkout, "done", "pass", null);

        var results = finished(lab.poll(run));
        assertThat(results.checkouts()).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo("maestro:" + checkout);
            assertThat(c.origin()).isEqualTo("maestro");
            assertThat(c.gitCommitHash()).isEqualTo(head);
            assertThat(c.gitRepositoryUrl()).as("KCIDB takes only https repository URLs").isNull();
            assertThat(c.misc()).containsEntry("git_repository_url", treeUrl);
            assertThat(c.gitRepositoryBranch()).isEqualTo("master");
            assertThat(c.valid()).isTrue();
        });
        assertThat(results.builds()).singleElement().satisfies(b -> {
            assertThat(b.id()).isEqualTo("maestro:" + build);
            assertThat(b.checkoutId()).isEqualTo("maestro:" + checkout);
            assertThat(b.status()).isEqualTo(Status.PASS);
            assertThat(b.logUrl()).isEqualTo("https://storage.example.org/build.log");
        });
        assertThat(results.tests()).extracting(Test::id, Test::path, Test::status, Test::buildId).containsExactly(
                tuple("maestro:" + baseline, "baseline-x86", Status.PASS, "maestro:" + build),
                tuple("maestro:" + login, "baseline-x86.login", Status.PASS, "maestro:" + build),
                tuple("maestro:" + kselftest, "kselftest-cpufreq", Status.FAIL, "maestro:" + build),
                tuple("maestro:" + cpufreq, "kselftest-cpufreq.cpufreq_main_sh", Status.FAIL, "maestro:" + build));
        assertThat(results.tests()).filteredOn(t -> t.path().equals("kselftest-cpufreq.cpufreq_main_sh"))
                .singleElement().satisfies(t -> assertThat(t.logUrl())
                        .as("a test without logs of its own links its job's log")
                        .isEqualTo("https://storage.example.org/kselftest.log.gz"));
        assertThat(new VerdictAggregator().aggregate(results).overall()).isEqualTo(Verdict.Overall.FAIL);
    }

    @org.junit.jupiter.api.Test
    void a_failing_boot_is_said_in_the_kernels_words_read_from_its_gzipped_log_without_the_token()
            throws Exception {
        var lab = lab();
        var run = lab.submit(request("run-1", head, "refs/pull/12/head"));
        var checkout = maestro.checkout(run.externalId().split(":")[0]).path("id").asText();
        var build = maestro.add(checkout, "kbuild", "kbuild-gcc-12-x86", "kubernetes");
        maestro.set(build, "done", "pass", null);
        var baseline = maestro.add(build, "job", "baseline-x86", "qemu-x86");
        var gzipped = new ByteArrayOutputStream();
        try (var out = new GZIPOutputStream(gzipped)) {
            out.write(("[    0.000000] Linux version 6.18.0\n"
                    + "[    3.500000] Unable to handle kernel NULL pointer dereference at virtual address 0000000000000010\n"
                    + "[    3.500100] pc : demo_probe+0x10/0x40\n"
                    + "[    3.500200] ---[ end trace 0000000000000000 ]---\n").getBytes(StandardCharsets.UTF_8));
        }
        maestro.artifact(baseline, "lava_log", maestro.store("baseline-x86/log.txt.gz", gzipped.toByteArray()));
        maestro.set(baseline, "done", "fail", null);
        maestro.set(checkout, "done", "pass", null);
        // The pipeline's job-retry service did not retry the failed baseline job in its time.
        maestro.advance(KernelCiLab.RETRY_WAIT.plusMinutes(1));

        var results = finished(lab.poll(run));

        assertThat(results.tests()).filteredOn(t -> t.status() == Status.FAIL).singleElement().satisfies(t ->
                assertThat(t.logExcerpt()).startsWith("[    3.500000] Unable to handle kernel NULL pointer dereference")
                        .contains("pc : demo_probe+0x10/0x40").doesNotContain("Linux version"));
        assertThat(maestro.requests()).filteredOn(r -> r.path().startsWith("/storage/")).singleElement()
                .satisfies(r -> assertThat(r.headers()).as("the lab's token never goes to its storage")
                        .doesNotContainKey("Authorization"));
    }

    @org.junit.jupiter.api.Test
    void the_results_of_a_tree_conform_to_kcidbs_schema() {
        var lab = lab();
        var run = lab.submit(request("run-1", head, "refs/pull/12/head"));
        var checkout = maestro.checkout(run.externalId().split(":")[0]).path("id").asText();
        var build = maestro.add(checkout, "kbuild", "kbuild-gcc-12-x86", "kubernetes");
        maestro.artifact(build, "build_log", "https://storage.example.org/build.log");
        maestro.artifact(build, "_config", "https://storage.example.org/.config");
        var job = maestro.add(build, "job", "kselftest-cpufreq", "qemu-x86");
        maestro.artifact(job, "lava_log", "https://storage.example.org/log.txt.gz");
        maestro.set(maestro.add(job, "test", "cpufreq_main_sh", "qemu-x86"), "done", "fail", null);
        maestro.set(maestro.add(checkout, "job", "kver", "qemu-x86"), "done", "incomplete", "Infrastructure");
        maestro.set(job, "done", "fail", null);
        maestro.set(build, "done", "pass", null);
        maestro.set(checkout, "done", "pass", null);
        maestro.advance(KernelCiLab.RETRY_WAIT.plusMinutes(1));

        assertThat(KcidbSchema.violations(finished(lab.poll(run)))).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void a_retried_job_counts_once_with_its_last_attempt() {
        var lab = lab();
        var run = lab.submit(request("run-1", head, "refs/pull/12/head"));
        var checkout = maestro.checkout(run.externalId().split(":")[0]).path("id").asText();
        var build = maestro.add(checkout, "kbuild", "kbuild-gcc-12-x86", "kubernetes");
        var firstBaseline = maestro.add(build, "job", "baseline-x86", "qemu-x86");
        var firstLogin = maestro.add(firstBaseline, "test", "login", "qemu-x86");
        maestro.set(firstLogin, "done", "fail", null);
        maestro.set(firstBaseline, "done", "incomplete", "Infrastructure");
        var secondBaseline = maestro.retry(firstBaseline);
        maestro.set(secondBaseline, "done", "incomplete", "LAVATimeout");
        var thirdBaseline = maestro.retry(secondBaseline);
        var thirdLogin = maestro.add(thirdBaseline, "test", "login", "qemu-x86");
        maestro.set(thirdLogin, "done", "pass", null);
        maestro.set(thirdBaseline, "done", "pass", null);
        maestro.set(build, "done", "pass", null);
        maestro.set(checkout, "done", "pass", null);

        var results = finished(lab.poll(run));

        assertThat(results.tests()).extracting(Test::id, Test::path, Test::status).containsExactly(
                tuple("maestro:" + thirdBaseline, "baseline-x86", Status.PASS),
                tuple("maestro:" + thirdLogin, "baseline-x86.login", Status.PASS));
        assertThat(results.tests().get(0).misc()).containsEntry("retry_counter", 2);
        assertThat(new VerdictAggregator().aggregate(results).overall()).isEqualTo(Verdict.Overall.PASS);
    }

    @org.junit.jupiter.api.Test
    void a_retried_build_replaces_the_jobs_of_the_build_it_replaces() {
        var lab = lab();
        var run = lab.submit(request("run-1", head, "refs/pull/12/head"));
        var checkout = maestro.checkout(run.externalId().split(":")[0]).path("id").asText();
        var firstBuild = maestro.add(checkout, "kbuild", "kbuild-gcc-12-x86", "kubernetes");
        var orphan = maestro.add(firstBuild, "job", "baseline-x86", "qemu-x86");
        maestro.set(orphan, "done", "incomplete", "node_timeout");
        maestro.set(firstBuild, "done", "incomplete", "kbuild_internal_error");
        var secondBuild = maestro.retry(firstBuild);
        var baseline = maestro.add(secondBuild, "job", "baseline-x86", "qemu-x86");
        maestro.set(baseline, "done", "pass", null);
        maestro.set(secondBuild, "done", "pass", null);
        maestro.set(checkout, "done", "pass", null);

        var results = finished(lab.poll(run));

        assertThat(results.builds()).extracting(b -> b.id()).containsExactly("maestro:" + secondBuild);
        assertThat(results.tests()).extracting(Test::id).containsExactly("maestro:" + baseline);
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("a token the pipeline does not accept is explained, with every claim it needs, and not retried",
                        (Consumer<KernelCiLabTest>) t -> { }, (UnaryOperator<KernelCiSettings>) s -> withToken(s,
                                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzb21lb25lLWVsc2UiLCJlbWFpbCI6ImVsc2VAZXhh"
                                        + "bXBsZS5vcmciLCJwZXJtaXNzaW9ucyI6WyJjaGVja291dCJdfQ.c2ln"),
                        "KernelCI refused labgate's token (HTTP 401 Unauthorized): the JWT must be signed with the "
                                + "pipeline's secret, unexpired, and carry the 'checkout' permission and an 'email' claim",
                        false),
                Arguments.of("a commit the pipeline calls invalid is explained and not retried",
                        (Consumer<KernelCiLabTest>) t -> t.maestro.refuseNext(400, "Invalid commit format"),
                        (UnaryOperator<KernelCiSettings>) s -> s,
                        "KernelCI rejected the checkout of %HEAD% (HTTP 400 Invalid commit format): it must be a full "
                                + "commit id reachable from a branch of", false),
                Arguments.of("a tree the pipeline does not allowlist is explained and not retried",
                        (Consumer<KernelCiLabTest>) t -> t.maestro.tree("other", "https://git.example.org/other.git"),
                        (UnaryOperator<KernelCiSettings>) s -> withTree(s, "https://git.example.org/unknown.git"),
                        "KernelCI does not know the tree https://git.example.org/unknown.git (HTTP 404 Tree not found)",
                        false),
                Arguments.of("a job the pipeline does not have is explained and not retried",
                        (Consumer<KernelCiLabTest>) t -> { }, (UnaryOperator<KernelCiSettings>) s -> withJobs(s,
                                List.of("kunit-x86")),
                        "(HTTP 404 Job kunit-x86 not found): check the job and platform filters", false),
                Arguments.of("an outage of the pipeline is worth another try",
                        (Consumer<KernelCiLabTest>) t -> t.maestro.refuseNext(502, "Bad Gateway"),
                        (UnaryOperator<KernelCiSettings>) s -> s,
                        "KernelCI failed to take the checkout (HTTP 502 Bad Gateway)", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void the_pipeline_refuses(String sentence, Consumer<KernelCiLabTest> arrange,
                              UnaryOperator<KernelCiSettings> settings, String message, boolean retryable) {
        arrange.accept(this);
        var lab = lab(settings(settings));

        assertThatThrownBy(() -> lab.submit(request("run-1", head, "refs/pull/12/head")))
                .isInstanceOfSatisfying(LabException.class, e -> {
                    assertThat(e.getMessage()).contains(message.replace("%HEAD%", head));
                    assertThat(e.retryable()).isEqualTo(retryable);
                });
    }

    static Stream<Arguments> invalidSettings() {
        return Stream.of(
                Arguments.of("nine job filters are more than the pipeline takes",
                        (UnaryOperator<KernelCiSettings>) s -> withJobs(s, List.of("a", "b", "c", "d", "e", "f", "g",
                                "h", "i")), "9 job filters: the pipeline accepts at most 8"),
                Arguments.of("a platform filter that is not a name",
                        (UnaryOperator<KernelCiSettings>) s -> new KernelCiSettings(s.pipelineUrl(), s.apiUrl(),
                                s.token(), s.treeUrl(), s.pushUrl(), null, null, s.branch(), s.jobFilter(),
                                List.of("qemu x86"), s.pollInterval(), null), "platform filter 'qemu x86' is not"),
                Arguments.of("a token given with its Bearer prefix",
                        (UnaryOperator<KernelCiSettings>) s -> withToken(s, "Bearer " + TOKEN),
                        "the pipeline wants the raw JWT alone"),
                Arguments.of("a token without the email claim the pipeline requires",
                        (UnaryOperator<KernelCiSettings>) s -> withToken(s, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
                                + "eyJzdWIiOiJsYWJnYXRlLXRlc3QiLCJwZXJtaXNzaW9ucyI6WyJjaGVja291dCJdfQ.c2lnbmF0dXJl"),
                        "the KernelCI token has no 'email' claim: the pipeline refuses a checkout without one"),
                Arguments.of("a token without the checkout permission",
                        (UnaryOperator<KernelCiSettings>) s -> withToken(s, "eyJhbGciOiJIUzI1NiJ9."
                                + "eyJlbWFpbCI6ImxhYmdhdGVAZXhhbXBsZS5vcmcifQ.c2lnbmF0dXJl"),
                        "the KernelCI token does not carry the 'checkout' permission"),
                Arguments.of("a build branch git would not accept",
                        (UnaryOperator<KernelCiSettings>) s -> new KernelCiSettings(s.pipelineUrl(), s.apiUrl(),
                                s.token(), s.treeUrl(), s.pushUrl(), null, null, "bad..branch", s.jobFilter(),
                                s.platformFilter(), s.pollInterval(), null), "build branch 'bad..branch' is not"),
                Arguments.of("a pipeline URL that is not http",
                        (UnaryOperator<KernelCiSettings>) s -> new KernelCiSettings("ftp://kernelci.example.org",
                                s.apiUrl(), s.token(), s.treeUrl(), s.pushUrl(), null, null, s.branch(), s.jobFilter(),
                                s.platformFilter(), s.pollInterval(), null), "pipeline URL 'ftp://kernelci.example.org'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSettings")
    void settings_that_cannot_work_are_refused_before_anything_is_sent(String sentence,
                                                                       UnaryOperator<KernelCiSettings> change,
                                                                       String message) {
        assertThatThrownBy(() -> lab(settings(change))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
        assertThat(maestro.requests()).isEmpty();
    }

    @ParameterizedTest(name = "a commit written {0} is refused before anything is pushed or sent")
    @ValueSource(strings = {"abc1234", "ABCDEF0123456789ABCDEF0123456789ABCDEF01",
            "refs/heads/master"})
    void commits_must_be_forty_lowercase_hex_digits(String commit) {
        var lab = lab();

        assertThatThrownBy(() -> lab.submit(request("run-1", commit, "refs/pull/12/head")))
                .isInstanceOfSatisfying(LabException.class, e -> {
                    assertThat(e.getMessage()).contains("is not a full commit id (40 lowercase hex digits)");
                    assertThat(e.retryable()).isFalse();
                });
        assertThat(maestro.requests()).isEmpty();
        assertThat(labBranch()).isNull();
    }

    @org.junit.jupiter.api.Test
    void submitting_again_follows_the_checkout_in_flight_and_a_retry_after_it_is_done_starts_another() {
        var lab = lab();
        var first = lab.submit(request("run-1", head, "refs/pull/12/head"));
        var again = lab.submit(request("run-1", head, "refs/pull/12/head"));

        assertThat(again).isEqualTo(first);
        assertThat(maestro.checkoutRequests()).hasSize(1);

        maestro.set(maestro.checkout(first.externalId().split(":")[0]).path("id").asText(), "done", "incomplete",
                "node_timeout");
        var retry = lab.submit(request("run-1", head, "refs/pull/12/head"));

        assertThat(retry.externalId()).isNotEqualTo(first.externalId());
        assertThat(maestro.checkoutRequests()).hasSize(2);
    }

    @org.junit.jupiter.api.Test
    void a_new_lab_instance_polls_a_run_that_an_earlier_one_submitted() {
        var run = lab().submit(request("run-1", head, "refs/pull/12/head"));
        var checkout = maestro.checkout(run.externalId().split(":")[0]).path("id").asText();
        var job = maestro.add(checkout, "job", "baseline-x86", "qemu-x86");
        maestro.set(job, "done", "pass", null);
        maestro.set(checkout, "done", "pass", null);

        var restarted = new KernelCiLab("kernelci", settings(s -> s), new TreeFetcher(dir.resolve("other-mirrors")),
                dir.resolve("other-scratch"), maestro.clock());
        var results = finished(restarted.poll(new LabRun(run.lab(), run.externalId(), run.url())));

        assertThat(results.tests()).extracting(Test::id, Test::buildId, Test::status).containsExactly(
                tuple("maestro:" + job, "maestro:dummy_" + checkout + "_x86_64", Status.PASS));
        assertThat(results.builds()).extracting(b -> b.id()).containsExactly("maestro:dummy_" + checkout + "_x86_64");
    }

    @org.junit.jupiter.api.Test
    void a_checkout_the_pipeline_closes_at_its_300_minute_timeout_is_followed_until_its_jobs_end() {
        var lab = lab();
        var run = lab.submit(request("run-1", head, "refs/pull/12/head"));
        var checkout = maestro.checkout(run.externalId().split(":")[0]).path("id").asText();
        maestro.tarball();
        var build = maestro.add(checkout, "kbuild", "kbuild-gcc-12-x86", "kubernetes");
        maestro.set(build, "done", "pass", null);
        var job = maestro.add(build, "job", "kselftest-cpufreq", "qemu-x86");
        maestro.advance(Duration.ofMinutes(301));
        maestro.timeoutServices();
        assertThat(maestro.checkout(run.externalId().split(":")[0]).path("state").asText()).isEqualTo("done");

        assertThat(lab.poll(run)).isEqualTo(new LabProgress.Running("KernelCI closed the checkout at its timeout "
                + "(300 minutes) while 1 of 2 nodes were still running: waiting for them"));

        maestro.set(job, "done", "pass", null);
        assertThat(finished(lab.poll(run)).tests()).extracting(Test::id, Test::status)
                .containsExactly(tuple("maestro:" + job, Status.PASS));
    }

    @org.junit.jupiter.api.Test
    void a_retry_the_pipeline_makes_just_after_the_checkout_closed_is_waited_for_and_reported_instead() {
        var lab = lab();
        var run = lab.submit(request("run-1", head, "refs/pull/12/head"));
        var treeId = run.externalId().split(":")[0];
        var checkout = maestro.checkout(treeId).path("id").asText();
        maestro.tarball();
        var build = maestro.add(checkout, "kbuild", "kbuild-gcc-12-x86", "kubernetes");
        maestro.set(build, "done", "pass", null);
        var first = maestro.add(build, "job", "baseline-x86", "qemu-x86");
        maestro.advance(Duration.ofMinutes(11));
        // The attempt ends as the holdoff lapses: the closing service is quicker than the job-retry service.
        maestro.set(first, "done", "incomplete", "Infrastructure");
        maestro.timeoutServices();
        assertThat(maestro.checkout(treeId).path("state").asText()).as("nothing ran below it").isEqualTo("done");

        assertThat(lab.poll(run)).isEqualTo(new LabProgress.Running("waiting up to 5 minutes for KernelCI to retry "
                + "baseline-x86 on qemu-x86 (attempt 1 of 4 ended incomplete)"));

        maestro.advance(Duration.ofMinutes(1));
        var retry = maestro.retry(first);
        assertThat(lab.poll(run)).isEqualTo(new LabProgress.Running("KernelCI retried baseline-x86 on qemu-x86 after "
                + "it closed the checkout: waiting for that attempt"));

        maestro.set(retry, "done", "pass", null);
        var results = finished(lab.poll(run));
        assertThat(results.tests()).extracting(Test::id, Test::status).containsExactly(tuple("maestro:" + retry,
                Status.PASS));
        assertThat(results.tests().get(0).outputFiles()).as("the checkout's tarball is not a test's file").isNull();
        assertThat(new VerdictAggregator().aggregate(results).overall()).isEqualTo(Verdict.Overall.PASS);
    }

    @org.junit.jupiter.api.Test
    void a_retryable_attempt_the_pipeline_does_not_retry_within_the_wait_is_reported_as_it_ended() {
        var lab = lab();
        var run = lab.submit(request("run-1", head, "refs/pull/12/head"));
        var checkout = maestro.checkout(run.externalId().split(":")[0]).path("id").asText();
        var job = maestro.add(checkout, "job", "baseline-x86", "qemu-x86");
        maestro.set(job, "done", "fail", null);
        maestro.set(checkout, "done", "pass", null);
        assertThat(lab.poll(run)).isInstanceOf(LabProgress.Running.class);

        maestro.advance(KernelCiLab.RETRY_WAIT.plusSeconds(1));

        assertThat(finished(lab.poll(run)).tests()).extracting(Test::status).containsExactly(Status.FAIL);
    }

    @org.junit.jupiter.api.Test
    void a_branch_without_a_build_configuration_is_taken_by_the_pipeline_and_never_prepared_and_labgate_says_so() {
        var lab = lab(settings(s -> new KernelCiSettings(s.pipelineUrl(), s.apiUrl(), s.token(), s.treeUrl(),
                s.pushUrl(), null, null, "labgate-next", s.jobFilter(), s.platformFilter(), s.pollInterval(), null)));
        var run = lab.submit(request("run-1", head, "refs/pull/12/head"));
        assertThat(maestro.requests()).filteredOn(r -> r.path().equals("/api/checkout")).hasSize(1);
        maestro.tarball();
        assertThat(lab.poll(run)).isEqualTo(new LabProgress.Running("KernelCI is preparing the tree"));

        maestro.advance(KernelCiLab.PREPARE_WAIT.plusMinutes(1));

        assertThatThrownBy(() -> lab.poll(run)).isInstanceOfSatisfying(LabException.class, e -> {
            assertThat(e.getMessage()).contains("KernelCI has not prepared the tree 31 minutes after the checkout")
                    .contains("prepares only a branch with a build configuration")
                    .contains("branch 'labgate-next' of " + treeUrl);
            assertThat(e.retryable()).isFalse();
        });
    }

    @org.junit.jupiter.api.Test
    void a_checkout_the_timeout_closed_before_it_was_ever_prepared_is_not_read_as_a_finished_tree() {
        var lab = lab(settings(s -> new KernelCiSettings(s.pipelineUrl(), s.apiUrl(), s.token(), s.treeUrl(),
                s.pushUrl(), null, null, "labgate-next", s.jobFilter(), s.platformFilter(), s.pollInterval(), null)));
        var run = lab.submit(request("run-1", head, "refs/pull/12/head"));
        maestro.advance(Duration.ofMinutes(301));
        maestro.timeoutServices();

        assertThatThrownBy(() -> lab.poll(run)).isInstanceOfSatisfying(LabException.class, e -> assertThat(
                e.getMessage()).contains("closed the checkout at its timeout without ever preparing the tree"));
    }

    @org.junit.jupiter.api.Test
    void a_tree_maestro_no_longer_has_is_lost() {
        var lab = lab();

        assertThat(lab.poll(new LabRun("kernelci", "f53af2a7:" + head + ":" + LAB_BRANCH, null)))
                .isEqualTo(new LabProgress.Lost("KernelCI has no checkout node for tree f53af2a7"));
    }

    @org.junit.jupiter.api.Test
    void cancel_deletes_the_lab_branch_only_while_it_holds_the_runs_commit() {
        var lab = lab();
        var old = lab.submit(request("run-1", head, "refs/pull/12/head"));
        var newer = forge.commit("refs/pull/12/head", head, "the change, pushed again", Map.of("Makefile", "x\n"));
        var current = lab.submit(request("run-2", newer, "refs/pull/12/head"));

        lab.cancel(old);
        assertThat(labBranch()).as("a newer head moved the branch: the old run leaves it").isEqualTo(newer);

        lab.cancel(current);
        assertThat(labBranch()).isNull();
    }

    @org.junit.jupiter.api.Test
    void release_deletes_the_lab_branch_of_a_closed_change_and_is_idempotent() {
        var lab = lab();
        lab.submit(request("run-1", head, "refs/pull/12/head"));

        lab.release(CHANGE);
        lab.release(CHANGE);

        assertThat(labBranch()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("branchNames")
    void lab_branches_are_named_after_forge_repository_and_change(String sentence, Subject subject, String branch) {
        assertThat(KernelCiLab.labBranch(subject)).isEqualTo(branch);
    }

    static Stream<Arguments> branchNames() {
        var gitlab = new RepoRef("gitlab", "kernel/group/linux.next");
        return Stream.of(
                Arguments.of("a pull request", CHANGE, LAB_BRANCH),
                Arguments.of("a merge request in a GitLab subgroup",
                        new Subject.Change(new ChangeRef(gitlab, 7)), "labgate/gitlab-kernel-group-linux.next-7"),
                Arguments.of("a staging branch", new Subject.Branch(gitlab, "refs/heads/staging/next"),
                        "labgate/gitlab-kernel-group-linux.next-branch-staging-next"),
                Arguments.of("the base commit of changes, tested as their baseline",
                        new Subject.Base(gitlab, "refs/heads/master"), "labgate/gitlab-kernel-group-linux.next-base-master"),
                Arguments.of("a very long repository name is cut and keeps a digest",
                        new Subject.Change(new ChangeRef(new RepoRef("gitlab", "a".repeat(150)), 1)),
                        "labgate/gitlab-" + "a".repeat(80) + "-" + Sha256.hex("gitlab:" + "a"
                                .repeat(150) + "#1", 6)));
    }

    private static KcidbData finished(LabProgress progress) {
        assertThat(progress).isInstanceOf(LabProgress.Finished.class);
        return ((LabProgress.Finished) progress).results();
    }

    private String labBranch() {
        try {
            var ref = labRepository.repository().exactRef("refs/heads/" + LAB_BRANCH);
            return ref == null ? null : ref.getObjectId().name();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean reachableInLabRepository(String commit) {
        var repository = labRepository.repository();
        try (var walk = new RevWalk(repository)) {
            var target = walk.parseCommit(ObjectId.fromString(commit));
            for (var ref : repository.getRefDatabase().getRefsByPrefix("refs/heads/")) {
                if (walk.isMergedInto(target, walk.parseCommit(ref.getObjectId()))) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private static KernelCiSettings withToken(KernelCiSettings s, String token) {
        return new KernelCiSettings(s.pipelineUrl(), s.apiUrl(), token, s.treeUrl(), s.pushUrl(), null, null,
                s.branch(), s.jobFilter(), s.platformFilter(), s.pollInterval(), null);
    }

    private static KernelCiSettings withTree(KernelCiSettings s, String tree) {
        return new KernelCiSettings(s.pipelineUrl(), s.apiUrl(), s.token(), tree, s.pushUrl(), null, null, s.branch(),
                s.jobFilter(), s.platformFilter(), s.pollInterval(), null);
    }

    private static KernelCiSettings withJobs(KernelCiSettings s, List<String> jobs) {
        return new KernelCiSettings(s.pipelineUrl(), s.apiUrl(), s.token(), s.treeUrl(), s.pushUrl(), null, null,
                s.branch(), jobs, s.platformFilter(), s.pollInterval(), null);
    }
}
