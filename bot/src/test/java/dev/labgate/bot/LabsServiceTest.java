package dev.labgate.bot;

import dev.labgate.bot.store.JdbcRunStore;
import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;
import dev.labgate.testkit.FakeGitHub;
import dev.labgate.testkit.FakeLava;
import dev.labgate.testkit.FakeMaestro;
import dev.labgate.testkit.TestRepository;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * KernelCI and LAVA labs of the policy, driven by the running service: a delivery reaches a fake
 * KernelCI pipeline and Maestro, or a fake LAVA server, on loopback, and the final status comes
 * back from the lab's answer (a poll, or LAVA's callback). The tokens come from environment
 * variables the policy names; the build sets them for the tests (bot/pom.xml).
 */
class LabsServiceTest {

    /** {"sub":"labgate-test","email":"labgate@example.org","permissions":["checkout"]}: the claims the pipeline reads. */
    static final String KERNELCI_TOKEN = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJsYWJnYXRlLXRlc3QiLCJlbWFp"
            + "bCI6ImxhYmdhdGVAZXhhbXBsZS5vcmciLCJwZXJtaXNzaW9ucyI6WyJjaGVja291dCJdfQ.c2lnbmF0dXJl";
    static final String LAVA_TOKEN = "lava-test-token";

    @TempDir
    Path tmp;

    private Scenario scenario;
    private RunningLabgate labgate;
    private FakeMaestro maestro;
    private FakeLava lava;
    private TestRepository labRepository;

    @BeforeEach
    void start(TestInfo test) throws IOException {
        // Only the polling test polls LAVA often: elsewhere only a callback can finish a LAVA run in time.
        var lavaPoll = test.getTestMethod().orElseThrow().getName().contains("polling") ? "1s" : "1h";
        assertThat(System.getenv("LABGATE_TEST_KERNELCI_TOKEN")).as("set by bot/pom.xml for the tests")
                .isEqualTo(KERNELCI_TOKEN);
        scenario = new Scenario(tmp, "true");
        labRepository = TestRepository.create(tmp.resolve("lab"), "kernelci/linux");
        labRepository.commit("refs/heads/master", null, "the lab's own history", Map.of("README", "lab\n"));
        var treeUrl = labRepository.directory().toUri().toString();
        maestro = new FakeMaestro(KERNELCI_TOKEN).tree("kernelci", treeUrl).jobs("baseline-x86")
                .platforms("qemu-x86");
        lava = new FakeLava(LAVA_TOKEN);
        Files.writeString(tmp.resolve("boot.yaml"), FakeLava.SMOKE_TEMPLATE);
        Files.writeString(scenario.root.resolve("policy.yml"), """
                repositories:
                  - github: %s
                trust:
                  min-permission: write
                labs:
                  kernelci:
                    type: kernelci
                    pipeline-url: %s
                    api-url: %s
                    token-env: LABGATE_TEST_KERNELCI_TOKEN
                    tree-url: %s
                    branch: master
                    jobfilter: [baseline-x86]
                    platformfilter: [qemu-x86]
                    poll-interval: 1s
                  lava:
                    type: lava
                    url: %s
                    token-env: LABGATE_TEST_LAVA_TOKEN
                    template: %s
                    artifacts-url: https://files.example.org/kernels
                    poll-interval: %s
                plans:
                  - name: on-kernelci
                    lab: kernelci
                    paths: ['kernel/**']
                  - name: on-lava
                    lab: lava
                    paths: ['hello.txt']
                """.formatted(Scenario.REPO, maestro.url(), maestro.url(), treeUrl, lava.url(),
                tmp.resolve("boot.yaml"), lavaPoll));
        labgate = new RunningLabgate(RunningLabgate.reachableAtItsPublicUrl(scenario.properties()));
        scenario.github.permission(Scenario.REPO, "alice", "write");
    }

    @AfterEach
    void stop() {
        labgate.close();
        maestro.close();
        lava.close();
        labRepository.close();
        scenario.close();
    }

    private void open(String changedFile) {
        scenario.github.openChange(Scenario.REPO, 7, "alice", scenario.head, scenario.base, false,
                List.of(changedFile), List.of(scenario.head));
        assertThat(labgate.postGitHub("pull_request", "d-1", Fixtures.pullRequest("opened", Scenario.REPO, 7, "alice",
                scenario.head, scenario.base, false), Scenario.SECRET).statusCode()).isEqualTo(202);
    }

    private Run run() {
        var key = new ChangeRef(new RepoRef("github", Scenario.REPO), 7).key();
        return labgate.bean(JdbcRunStore.class).forHead(key, scenario.head).get(0);
    }

    private List<FakeGitHub.Status> finalStatuses() {
        return PullRequestFlowTest.finalStatuses(scenario.github, scenario.head);
    }

    @Test
    void a_change_is_pushed_to_the_lab_repository_checked_out_by_kernelci_and_reported_from_its_nodes()
            throws Exception {
        open("kernel/fork.c");

        await().atMost(Duration.ofSeconds(30)).until(() -> maestro.checkoutRequests().size() == 1);
        assertThat(maestro.checkoutRequests().get(0).path("commit").asText()).isEqualTo(scenario.head);
        try (var git = Git.open(labRepository.directory().toFile())) {
            assertThat(git.getRepository().resolve("refs/heads/labgate/github-acme-linux-7").name())
                    .as("the head is on the lab branch").isEqualTo(scenario.head);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> run().labRun() != null);
        var checkout = maestro.checkout(run().labRun().externalId().split(":")[0]).path("id").asText();
        maestro.set(checkout, "available", null, null);
        var build = maestro.add(checkout, "kbuild", "kbuild-gcc-12-x86", "kubernetes");
        maestro.set(build, "done", "pass", null);
        var baseline = maestro.add(build, "job", "baseline-x86", "qemu-x86");
        var login = maestro.add(baseline, "test", "login", "qemu-x86");
        maestro.set(login, "done", "fail", null);
        // The pipeline's last attempt: job_retry.py retries a failed baseline job no more after 3.
        maestro.node(baseline).put("retry_counter", 3);
        maestro.set(baseline, "done", "fail", null);
        maestro.set(checkout, "done", "pass", null);

        await().atMost(Duration.ofSeconds(30)).until(() -> finalStatuses().size() == 1);
        var last = finalStatuses().get(0);
        assertThat(last.context()).isEqualTo("labgate/kernelci");
        assertThat(last.state()).isEqualTo("failure");
        assertThat(run().state()).isEqualTo(RunState.FAILED);
        await().atMost(Duration.ofSeconds(10)).until(() -> scenario.github.comments(Scenario.REPO, 7).size() == 1);
        assertThat(scenario.github.comments(Scenario.REPO, 7).get(0).body()).contains("login");
    }

    @Test
    void a_lava_job_is_finished_by_its_callback_without_waiting_for_a_poll() throws Exception {
        open("hello.txt");

        await().atMost(Duration.ofSeconds(30)).until(() -> lava.jobs().size() == 1 && run().labRun() != null);
        var job = lava.jobs().get(0);
        assertThat(job.definition()).contains("/callbacks/lava/" + run().id());
        lava.finish(job.id(), "Complete", null, List.of(FakeLava.Case.job("pass", null, null),
                FakeLava.Case.of("smoke", "uname", "pass")));

        assertThat(lava.sendCallback(job.id())).isEqualTo(202);

        await().atMost(Duration.ofSeconds(20)).until(() -> finalStatuses().size() == 1);
        assertThat(finalStatuses().get(0).context()).isEqualTo("labgate/lava");
        assertThat(finalStatuses().get(0).state()).isEqualTo("success");
        assertThat(run().state()).isEqualTo(RunState.PASSED);
    }

    @Test
    void a_callback_is_answered_before_labgate_reads_a_slow_lavas_results_and_the_run_still_finishes()
            throws Exception {
        // A public job's results are always read through the REST API; here each answer takes 2 s.
        Files.writeString(tmp.resolve("boot.yaml"), FakeLava.SMOKE_TEMPLATE.replace("visibility: personal",
                "visibility: public"));
        open("hello.txt");
        await().atMost(Duration.ofSeconds(30)).until(() -> lava.jobs().size() == 1 && run().labRun() != null);
        var job = lava.jobs().get(0);
        lava.finish(job.id(), "Complete", null, List.of(FakeLava.Case.job("pass", null, null),
                FakeLava.Case.of("smoke", "uname", "pass")));
        lava.slow(Duration.ofSeconds(2));
        var before = lava.requests().size();

        assertThat(lava.sendCallback(job.id())).as("answered within LAVA's 5 s, which never sends it again")
                .isEqualTo(202);

        await().atMost(Duration.ofSeconds(60)).until(() -> finalStatuses().size() == 1);
        assertThat(finalStatuses().get(0).state()).isEqualTo("success");
        assertThat(lava.requests().size()).as("the durable task read the job").isGreaterThan(before);
    }

    @Test
    void a_lava_job_whose_callback_never_comes_is_finished_by_polling() {
        open("hello.txt");
        await().atMost(Duration.ofSeconds(30)).until(() -> lava.jobs().size() == 1 && run().labRun() != null);
        var job = lava.jobs().get(0);
        lava.finish(job.id(), "Complete", null, List.of(FakeLava.Case.job("pass", null, null),
                FakeLava.Case.of("smoke", "uname", "fail")));

        await().atMost(Duration.ofSeconds(30)).until(() -> finalStatuses().size() == 1);
        assertThat(finalStatuses().get(0).state()).isEqualTo("failure");
        assertThat(run().state()).isEqualTo(RunState.FAILED);
    }

    @Test
    void a_callback_without_the_runs_token_is_refused_and_changes_nothing() throws Exception {
        open("hello.txt");
        await().atMost(Duration.ofSeconds(30)).until(() -> lava.jobs().size() == 1 && run().labRun() != null);
        var job = lava.jobs().get(0);
        lava.finish(job.id(), "Complete", null, List.of(FakeLava.Case.job("pass", null, null)));
        var genuine = lava.callback(job.id());
        var forged = HttpRequest.newBuilder(URI.create(labgate.url() + "/callbacks/lava/" + run().id()))
                .header("Content-Type", "application/json").header("Authorization", "0".repeat(64))
                .POST(HttpRequest.BodyPublishers.ofByteArray(genuine.body())).build();

        var answer = HttpClient.newHttpClient().send(forged, HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(403);
        assertThat(answer.body()).contains("not authentic");
        assertThat(run().state()).isIn(RunState.SUBMITTED, RunState.RUNNING);
        var unknown = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(labgate.url() + "/callbacks/lava/no-such-run"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);
    }
}
