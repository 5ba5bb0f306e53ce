package dev.labgate.flow;

import dev.labgate.core.forge.ForgeReports;
import dev.labgate.core.forge.Permission;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.run.Run;
import dev.labgate.core.event.Subject;
import dev.labgate.forge.github.GitHubForge;
import dev.labgate.forge.github.GitHubSettings;
import dev.labgate.kcidb.submit.Submission;
import dev.labgate.testkit.FakeGitHub;
import dev.labgate.testkit.FakeKcidbDashboard;
import dev.labgate.testkit.FakeKcidbNg;
import dev.labgate.testkit.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * KCIDB as a shared source, through the whole flow: results go to kcidb-ng (FakeKcidbNg) under the
 * operator's origin, and KCIDB's triaged issues (FakeKcidbDashboard) join the known issues.
 */
class KcidbFlowTest {

    private static final String REPO = "acme/linux";
    private static final String BASE = "b".repeat(40);
    private static final String HEAD = "1".repeat(40);

    private FakeGitHub github;
    private FakeKcidbNg kcidb;
    private FakeKcidbDashboard dashboard;

    @BeforeEach
    void start() throws Exception {
        github = new FakeGitHub("labgate-bot").acceptToken("gh-token");
        kcidb = new FakeKcidbNg("kcidb-ng secret");
        dashboard = new FakeKcidbDashboard();
    }

    @AfterEach
    void stop() {
        github.close();
        kcidb.close();
        dashboard.close();
    }

    private FlowWorld world(String lab, String kcidbSection) {
        var clock = new TestClock(Instant.now());
        var forge = new GitHubForge(GitHubSettings.withToken("github", github.url(), URI.create("https://github.example"),
                List.of(FlowWorld.SECRET), "gh-token", "labgate-bot"), clock);
        return new FlowWorld(clock, github, forge, FlowWorld.oneLab(lab), "kcidb:\n" + kcidbSection.indent(2));
    }

    private void open(FlowWorld world) {
        github.permission(REPO, "alice", Permission.Level.WRITE);
        github.openChange(REPO, 7, "alice", HEAD, BASE, false, List.of("lib/demo.c"), List.of(HEAD));
        world.deliver(github.changeDelivery(REPO, 7, "opened"));
        world.settle();
    }

    @Test
    void a_finished_runs_own_results_go_to_kcidb_under_the_operators_origin_and_the_submission_is_followed() {
        var world = world("baseline: none", """
                submit:
                  url: %s
                  token-env: KCIDB_JWT
                  origin: acme_ci
                """.formatted(kcidb.url()));
        world.environment.put("KCIDB_JWT", kcidb.token("acme_ci"));
        open(world);
        world.lab.finish(HEAD, List.of(new ScriptedLab.Case("kunit.demo.demo_sub", Status.FAIL, "Expected 2 == 3")));
        world.settle();

        var run = world.stores.runs.all().get(0);
        assertThat(kcidb.submissions()).singleElement().satisfies(submission -> {
            var body = submission.body();
            assertThat(body.get("checkouts").get(0).get("id").asText()).isEqualTo("acme_ci:" + run.id());
            assertThat(body.get("checkouts").get(0).get("git_commit_hash").asText()).isEqualTo(HEAD);
            assertThat(body.get("checkouts").get(0).get("misc").get("labgate_run").asText()).isEqualTo(run.id());
            assertThat(body.get("tests").get(0).get("id").asText()).isEqualTo("acme_ci:" + run.id() + ".ktap.1");
            assertThat(body.get("tests").get(0).get("origin").asText()).isEqualTo("acme_ci");
            assertThat(body.get("tests").get(0).get("build_id").asText()).isEqualTo("acme_ci:" + run.id() + ".build");
        });
        assertThat(world.submissions.submissions(run.id())).singleElement()
                .satisfies(s -> assertThat(s.state()).isEqualTo("processed"));
        assertThat(kcidb.authorizations()).hasSizeGreaterThan(1).allSatisfy(a -> assertThat(a).startsWith("Bearer eyJ"));
        assertThat(world.faults).isEmpty();
    }

    @Test
    void without_its_token_nothing_is_sent_and_the_run_says_why() {
        var world = world("baseline: none", """
                submit:
                  url: %s
                  token-env: KCIDB_JWT
                  origin: acme_ci
                """.formatted(kcidb.url()));
        open(world);
        world.lab.finishAll(Status.PASS);
        world.settle();

        var run = world.stores.runs.all().get(0);
        assertThat(kcidb.requests()).isEmpty();
        assertThat(world.submissions.submissions(run.id())).containsExactly(new Submission("", 0,
                KcidbSharing.REFUSED, "not submitted: the environment variable KCIDB_JWT that should hold the "
                + "KCIDB token is not set"));
    }

    @Test
    void results_other_ci_systems_reported_are_never_resubmitted_as_labgates() {
        var world = world("baseline: none", """
                submit:
                  url: %s
                  token-env: KCIDB_JWT
                  origin: acme_ci
                """.formatted(kcidb.url()));
        world.environment.put("KCIDB_JWT", kcidb.token("acme_ci"));
        open(world);
        // The scripted lab reports as maestro would, as a KernelCI lab's results do.
        world.lab.finishAll("kunit.demo.demo_add", Status.PASS);
        world.settle();

        assertThat(kcidb.submissions()).isEmpty();
        assertThat(world.stores.runs.all()).singleElement().satisfies(r -> assertThat(r.state().label())
                .isEqualTo("passed"));
    }

    @Test
    void an_issue_kcidb_triaged_for_the_same_test_failing_at_the_base_commit_makes_the_failure_known() {
        dashboard.answer("tree/" + BASE + "/tests", """
                {"tests": [{"id": "maestro:t-sub", "origin": "maestro", "status": "FAIL", "path": "kunit.demo.demo_sub",
                  "architecture": "x86_64", "config": "defconfig", "compiler": "gcc", "environment_misc": null,
                  "duration": null, "start_time": null, "environment_compatible": null, "log_url": null, "lab": null}]}""")
                .answer("test/maestro:t-sub/issues", """
                [{"id": "maestro:issue-demo", "version": 1, "comment": "demo_sub is off by one on x86",
                  "report_url": "https://lore.kernel.org/demo", "incidents_info": {"incidentsCount": 4}}]""")
                .answer("issue/maestro:issue-demo", """
                {"id": "maestro:issue-demo", "version": 1, "origin": "maestro", "report_subject": "demo_sub is off by one",
                 "report_url": "https://lore.kernel.org/demo", "culprit_code": true, "culprit_tool": false,
                 "culprit_harness": false, "comment": null, "categories": null}""");
        var world = world("baseline: none", """
                dashboard:
                  url: %s
                  tree-url: https://git.kernel.org/linux.git
                  branch: master
                known-issues: true
                """.formatted(dashboard.api()));
        open(world);
        world.lab.finish(HEAD, List.of(new ScriptedLab.Case("kunit.demo.demo_sub", Status.FAIL, "Expected 2 == 3")));
        world.settle();

        assertThat(github.statusesSeen(REPO, HEAD)).last().satisfies(s -> assertThat(s.description())
                .startsWith("Passed: nothing failed; 1 known issue"));
        var summary = github.commentsSeen(REPO, 7).stream()
                .filter(c -> c.body().startsWith(ForgeReports.SUMMARY_MARKER)).findFirst().orElseThrow().body();
        assertThat(summary).contains("known issue maestro:issue-demo: demo_sub is off by one "
                + "(https://lore.kernel.org/demo)");
    }

    @Test
    void a_lab_whose_baseline_is_kcidb_compares_with_the_base_results_other_ci_systems_reported() {
        dashboard.answer("tree/" + BASE + "/tests", """
                {"tests": [{"id": "maestro:t-sub", "origin": "labgate", "status": "FAIL", "path": "kunit.demo.demo_sub",
                  "architecture": null, "config": null, "compiler": null, "environment_misc": null,
                  "duration": null, "start_time": null, "environment_compatible": null, "log_url": null, "lab": null}]}""");
        var world = world("baseline: kcidb", """
                dashboard:
                  url: %s
                  origin: labgate
                  tree-url: https://git.kernel.org/linux.git
                  branch: master
                """.formatted(dashboard.api()));
        open(world);
        assertThat(world.lab.submitted()).as("nothing of the base is run here").hasSize(1);
        world.lab.finish(HEAD, List.of(new ScriptedLab.Case("kunit.demo.demo_sub", Status.FAIL, "Expected 2 == 3")));
        world.settle();

        assertThat(world.stores.runs.all()).filteredOn(r -> r.subject() instanceof Subject.Base).singleElement()
                .extracting(Run::note).isEqualTo("results of labgate read from the KCIDB dashboard");
        assertThat(github.statusesSeen(REPO, HEAD)).last().satisfies(s -> assertThat(s.description())
                .isEqualTo("Passed: nothing failed; 1 failing on the base too"));
    }
}
