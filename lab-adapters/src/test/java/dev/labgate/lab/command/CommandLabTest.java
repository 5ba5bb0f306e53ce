package dev.labgate.lab.command;

import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.event.Subject;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.kcidb.Test;
import dev.labgate.core.lab.LabProgress;
import dev.labgate.core.lab.LabRun;
import dev.labgate.core.lab.TreeRequest;
import dev.labgate.core.verdict.Verdict;
import dev.labgate.kcidb.VerdictAggregator;
import dev.labgate.kcidb.findings.Findings;
import dev.labgate.lab.KcidbSchema;
import dev.labgate.lab.git.TreeFetcher;
import dev.labgate.lab.sandbox.Limits;
import dev.labgate.lab.sandbox.RealBubblewrap;
import dev.labgate.lab.sandbox.Sandbox;
import dev.labgate.testkit.TestClock;
import dev.labgate.testkit.TestRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

/** The command lab, in the real bubblewrap sandbox, on a real git repository whose script prints KUnit and kselftest results. */
class CommandLabTest {

    static final String SCRIPT = """
            echo "building..."
            cat <<'KTAP'
            KTAP version 1
            1..1
                KTAP version 1
                # Subtest: example
                1..2
                ok 1 example_simple_test
                # example_fail_test: EXPECTATION FAILED at lib/kunit/kunit-example-test.c:42
                Expected 2 == 3, but
                    x == 2 (0x2)
                not ok 2 example_fail_test
            not ok 1 example
            KTAP
            cat <<'TAP'
            TAP version 13
            1..1
            ok 1 selftests: size: get_size
            TAP
            exit "${EXIT:-0}"
            """;

    static final Limits LIMITS = new Limits(Optional.empty(), Optional.empty(), 256, 16 << 20, 256 << 20);

    @TempDir
    Path dir;
    Sandbox sandbox;
    TestRepository forge;
    ExecutorService executor;
    final TestClock clock = new TestClock(Instant.parse("2026-01-01T10:00:00Z"));
    String head;

    @BeforeEach
    void setUp() {
        sandbox = RealBubblewrap.sandbox(dir.resolve("check"));
        forge = TestRepository.create(dir.resolve("forge"), "example-org/linux");
        head = forge.commit("refs/pull/3/head", null, "tests", Map.of("run-tests.sh", SCRIPT));
        executor = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void tearDown() {
        executor.shutdownNow();
        forge.close();
    }

    CommandLab lab(String command, Map<String, String> env) {
        return new CommandLab("local", settings(command, env), sandbox, dir.resolve("work"),
                new TreeFetcher(dir.resolve("mirrors")), executor, clock);
    }

    static CommandSettings settings(String command, Map<String, String> env) {
        return new CommandSettings(command, Duration.ofMinutes(5), env, 1 << 20, LIMITS);
    }

    TreeRequest request(String runId) {
        return new TreeRequest(runId, new Subject.Change(new ChangeRef(new RepoRef("github", "example-org/linux"), 3)),
                TestRepository.gitUrl(dir.resolve("forge")) + "example-org/linux.git", "refs/pull/3/head", head, null,
                List.of(), List.of());
    }

    @org.junit.jupiter.api.Test
    void each_ktap_case_is_a_test_in_its_own_words_and_the_exit_status_they_account_for_is_not_counted_again() {
        var lab = lab("sh run-tests.sh", Map.of());
        var run = lab.submit(request("run-1"));

        var results = finish(lab, run);

        assertThat(results.tests()).extracting(Test::path, Test::status).containsExactly(
                tuple("kunit.example.example_simple_test", Status.PASS),
                tuple("kunit.example.example_fail_test", Status.FAIL),
                tuple("kselftest.size.get_size", Status.PASS));
        assertThat(results.tests()).filteredOn(t -> t.status() == Status.FAIL).singleElement()
                .satisfies(t -> assertThat(t.logExcerpt()).isEqualTo("""
                        # Subtest: example
                        # example_fail_test: EXPECTATION FAILED at lib/kunit/kunit-example-test.c:42
                        Expected 2 == 3, but
                            x == 2 (0x2)
                        not ok 2 example_fail_test"""));
        assertThat(results.tests()).extracting(Test::id).doesNotHaveDuplicates()
                .allSatisfy(id -> assertThat(id).startsWith("labgate:run-1."));
        var verdict = new VerdictAggregator().aggregate(results);
        assertThat(verdict.overall()).isEqualTo(Verdict.Overall.FAIL);
        assertThat(verdict.headline()).isEqualTo("1 failure not compared (no baseline): "
                + "kunit.example.example_fail_test: Expected 2 == 3, but x == 2 (0x2)");
        assertThat(verdict.counts().totalTests()).as("the counts are the cases'").isEqualTo(3);
    }

    @org.junit.jupiter.api.Test
    void findings_early_in_a_long_output_are_kept_in_the_builds_log_excerpt() {
        var lab = lab("echo 'drivers/a.c:57: WARNING: line length of 104 exceeds 100 columns'; "
                + "echo 'drivers/a.c:64:13: warning: unused variable rate [-Wunused-variable]'; "
                + "i=0; while [ $i -lt 200 ]; do echo \"  CC      drivers/f$i.o\"; i=$((i+1)); done", Map.of());

        var results = finish(lab, lab.submit(request("run-1")));

        assertThat(results.builds()).singleElement().satisfies(b -> assertThat(b.logExcerpt()).isEqualTo(
                "drivers/a.c:57: WARNING: line length of 104 exceeds 100 columns\n"
                        + "drivers/a.c:64:13: warning: unused variable rate [-Wunused-variable]\n"));
        assertThat(results.tests()).filteredOn(t -> t.path().equals("command")).singleElement()
                .satisfies(t -> assertThat(t.logExcerpt()).as("the end of the output").doesNotContain("drivers/a.c"));
        assertThat(Findings.of(results)).extracting(f -> f.tool() + " " + f.location())
                .containsExactly("checkpatch drivers/a.c:57", "compiler drivers/a.c:64:13");
    }

    @org.junit.jupiter.api.Test
    void a_tree_that_cannot_be_fetched_is_a_git_outage_named_as_one_not_a_result() {
        var lab = lab("sh run-tests.sh", Map.of());
        var unreachable = new TreeRequest("run-1", request("run-1").subject(), "http://127.0.0.1:9/example-org/linux.git",
                "refs/pull/3/head", head, null, List.of(), List.of());
        var run = lab.submit(unreachable);

        await().atMost(Duration.ofSeconds(30)).until(() -> !(lab.poll(run) instanceof LabProgress.Running));

        assertThat(lab.poll(run)).isInstanceOfSatisfying(LabProgress.Lost.class, lost -> assertThat(lost.reason())
                .startsWith("git: could not fetch refs/pull/3/head from http://127.0.0.1:9/example-org/linux.git"));
    }

    @org.junit.jupiter.api.Test
    void the_results_of_a_command_conform_to_kcidbs_schema() {
        var lab = lab("sh run-tests.sh", Map.of("EXIT", "1"));

        assertThat(KcidbSchema.violations(finish(lab, lab.submit(request("run-1"))))).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void a_failing_exit_status_the_cases_do_not_account_for_is_a_failure_of_its_own_with_the_kernels_words() {
        var lab = lab("echo 'KTAP version 1'; echo '1..1'; echo 'ok 1 demo';"
                + " echo '[   3.1] BUG: kernel NULL pointer dereference, address: 0000000000000008';"
                + " echo '[   3.2] RIP: 0010:demo_exit+0x4/0x10'; echo '[   3.3] ---[ end trace 0 ]---';"
                + " seq 1 100; exit 3", Map.of());

        var results = finish(lab, lab.submit(request("run-1")));

        assertThat(results.tests()).filteredOn(t -> t.path().equals("command")).singleElement()
                .satisfies(t -> {
                    assertThat(t.status()).isEqualTo(Status.FAIL);
                    assertThat(t.misc()).containsEntry("comment", "exit status 3");
                    assertThat(t.logExcerpt()).startsWith("[   3.1] BUG: kernel NULL pointer dereference")
                            .contains("---[ end trace 0 ]---").endsWith("100");
                });
        assertThat(new VerdictAggregator().aggregate(results).headline())
                .endsWith("command: BUG: kernel NULL pointer dereference, address: 0000000000000008");
    }

    @org.junit.jupiter.api.Test
    void the_whole_output_is_kept_for_labgate_to_serve_and_every_result_links_to_it() {
        var lab = new CommandLab("local", new CommandSettings("sh run-tests.sh", Duration.ofMinutes(5), Map.of(),
                1 << 20, LIMITS, runId -> "https://labgate.example/runs/" + runId + "/log"), sandbox,
                dir.resolve("work"), new TreeFetcher(dir.resolve("mirrors")), executor, clock);
        var run = lab.submit(request("run-1"));

        var results = finish(lab, run);

        assertThat(lab.log(run)).hasValueSatisfying(log -> assertThat(log).startsWith("building...\n")
                .contains("ok 1 selftests: size: get_size"));
        assertThat(results.tests()).allSatisfy(t -> assertThat(t.logUrl())
                .isEqualTo("https://labgate.example/runs/run-1/log"));
        assertThat(lab.log(new LabRun("local", "no-such-run", null))).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void a_command_killed_at_the_timeout_is_an_error_of_the_harness() throws Exception {
        var lab = lab("echo 'KTAP version 1'; echo '1..1'; sleep 600", Map.of());
        var run = lab.submit(request("run-1"));
        await().atMost(Duration.ofSeconds(20)).until(() -> lab.poll(run).equals(
                new LabProgress.Running("running the command")));
        var pid = Long.parseLong(Files.readString(dir.resolve("work/run-1/pid")).trim());

        clock.advance(Duration.ofMinutes(6));
        var results = finished(lab.poll(run));

        assertThat(results.tests()).extracting(Test::path, Test::status).containsExactly(
                tuple("command", Status.ERROR));
        assertThat(results.tests().get(0).misc()).containsEntry("comment", "killed after 5m");
        assertThat(new VerdictAggregator().aggregate(results).overall()).isEqualTo(Verdict.Overall.INFRA_ERROR);
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    }

    @org.junit.jupiter.api.Test
    void a_new_lab_instance_finishes_a_run_that_an_earlier_one_started() {
        var first = lab("sh run-tests.sh", Map.of());
        var run = first.submit(request("run-1"));
        await().atMost(Duration.ofSeconds(20)).until(() -> !(first.poll(run) instanceof LabProgress.Running running)
                || running.note().equals("running the command"));

        var otherExecutor = Executors.newSingleThreadExecutor();
        var restarted = new CommandLab("local", settings("sh run-tests.sh", Map.of()), sandbox, dir.resolve("work"),
                new TreeFetcher(dir.resolve("mirrors")), otherExecutor, clock);
        var results = finish(restarted, new LabRun(run.lab(), run.externalId(), run.url()));
        otherExecutor.shutdownNow();

        assertThat(results.tests()).extracting(Test::path).contains("kunit.example.example_fail_test");
    }

    @org.junit.jupiter.api.Test
    void submitting_a_finished_run_again_runs_it_again() {
        var lab = lab("cat /proc/sys/kernel/random/uuid", Map.of());
        var run = lab.submit(request("run-1"));
        var first = finish(lab, run).tests().get(0).logExcerpt();

        lab.submit(request("run-1"));
        var second = finish(lab, run).tests().get(0).logExcerpt();

        assertThat(second).as("a fresh run prints a fresh value").matches("[0-9a-f-]{36}").isNotEqualTo(first);
    }

    private static KcidbData finish(CommandLab lab, LabRun run) {
        var progress = new LabProgress[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> (progress[0] = lab.poll(run)) instanceof LabProgress.Finished);
        return ((LabProgress.Finished) progress[0]).results();
    }

    private static KcidbData finished(LabProgress progress) {
        assertThat(progress).isInstanceOf(LabProgress.Finished.class);
        return ((LabProgress.Finished) progress).results();
    }
}
