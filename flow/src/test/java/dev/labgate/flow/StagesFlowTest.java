package dev.labgate.flow;

import dev.labgate.core.forge.ForgeReports;
import dev.labgate.core.forge.Permission;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.lab.Artifact;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;
import dev.labgate.forge.github.GitHubForge;
import dev.labgate.forge.github.GitHubSettings;
import dev.labgate.testkit.FakeForge;
import dev.labgate.testkit.FakeGitHub;
import dev.labgate.testkit.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plans with stages, through the whole flow: a boot that runs after a build starts only when the
 * build passed, with the build's artifacts; it is not run (and says so) when the build did not
 * pass, and it is cancelled and retried with the build.
 */
class StagesFlowTest {

    static final String REPO = "acme/linux";
    static final String BASE = "b".repeat(40);
    static final String HEAD = "1".repeat(40);
    static final Artifact KERNEL = new Artifact("bzImage", Artifact.Kind.KERNEL,
            "https://labgate.example/artifacts/r/bzImage", "a".repeat(64), 1234);

    private FakeGitHub fake;
    private FlowWorld world;
    private ScriptedLab build;
    private ScriptedLab boot;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeGitHub("labgate-bot").acceptToken("gh-token");
        var clock = new TestClock(Instant.now());
        var forge = new GitHubForge(GitHubSettings.withToken("github", fake.url(), URI.create("https://github.example"),
                List.of(FlowWorld.SECRET), "gh-token", "labgate-bot"), clock);
        // No baseline: these scenarios are about the stages of one head.
        world = new FlowWorld(clock, fake, forge, """
                labs:
                  build: {type: command, command: make, retries: 1, baseline: none}
                  boot: {type: command, command: boot, baseline: none}
                plans:
                  - {name: boot, lab: boot, after: build, tests: [login]}
                  - {name: build, lab: build}
                """);
        build = world.lab("build").publishing(List.of(KERNEL));
        boot = world.lab("boot");
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    private void open() {
        fake.permission(REPO, "alice", Permission.Level.WRITE);
        fake.openChange(REPO, 7, "alice", HEAD, BASE, false, List.of("init/main.c"), List.of(HEAD));
        world.deliver(fake.changeDelivery(REPO, 7, "opened"));
        world.settle();
    }

    private Run run(String lab) {
        return world.stores.runs.all().stream().filter(r -> r.lab().equals(lab))
                .max((a, b) -> Integer.compare(a.round(), b.round())).orElseThrow();
    }

    private FakeForge.Status lastStatus(String lab) {
        return fake.statusesSeen(REPO, HEAD).stream().filter(s -> s.context().equals("labgate/" + lab))
                .reduce((a, b) -> b).orElseThrow();
    }

    private String summary() {
        return fake.commentsSeen(REPO, 7).stream().filter(c -> c.body().startsWith(ForgeReports.SUMMARY_MARKER))
                .reduce((a, b) -> b).orElseThrow().body();
    }

    @Test
    void the_boot_waits_for_the_build_and_then_boots_what_the_build_published() {
        open();
        assertThat(build.submitted()).hasSize(1);
        assertThat(boot.submitted()).as("nothing to boot yet").isEmpty();
        assertThat(run("boot").state()).isEqualTo(RunState.WAITING);
        assertThat(lastStatus("boot").state()).isEqualTo(FakeForge.State.PENDING);
        assertThat(lastStatus("boot").description()).isEqualTo("Waiting for build");

        build.finishAll("build", Status.PASS);
        world.settle();
        assertThat(boot.submitted()).singleElement().satisfies(r -> {
            assertThat(r.inputs()).containsExactly(KERNEL);
            assertThat(r.tests()).containsExactly("login");
        });

        boot.finishAll("boot.login", Status.PASS);
        world.settle();
        assertThat(lastStatus("build").state()).isEqualTo(FakeForge.State.SUCCESS);
        assertThat(lastStatus("boot").state()).isEqualTo(FakeForge.State.SUCCESS);
        var summary = summary();
        assertThat(summary).contains("✅ **pass**");
        assertThat(summary.indexOf("[build](")).as("stages in order").isLessThan(summary.indexOf("[boot]("));
        assertThat(summary).contains("(after build) passed");
        assertThat(world.faults).isEmpty();
    }

    @Test
    void a_failed_build_is_the_failure_and_the_boot_is_not_run_with_that_reason() {
        open();
        build.finishAll("build", Status.FAIL);
        world.settle();

        assertThat(boot.submitted()).isEmpty();
        assertThat(run("boot").state()).isEqualTo(RunState.SKIPPED);
        assertThat(run("boot").note()).isEqualTo("not run: build failed");
        assertThat(lastStatus("build").state()).isEqualTo(FakeForge.State.FAILURE);
        assertThat(fake.statuses(REPO, HEAD)).filteredOn(s -> s.context().equals("labgate/boot")).last()
                .satisfies(s -> {
                    assertThat(s.state()).as("not a failure of its own: GitHub's error").isEqualTo("error");
                    assertThat(s.description()).isEqualTo("Not run: build failed");
                });
        var summary = summary();
        assertThat(summary).contains("❌ **fail**").contains("(after build) skipped (not run: build failed)");
        assertThat(world.faults).isEmpty();
    }

    @Test
    void a_build_retried_after_an_infrastructure_error_keeps_the_boot_waiting_for_its_next_attempt() {
        open();
        build.finishAll("build", Status.ERROR);
        world.settle();
        assertThat(build.attempts(run("build").id())).isEqualTo(2);
        assertThat(run("build").state()).isEqualTo(RunState.SUBMITTED);
        assertThat(run("boot").state()).isEqualTo(RunState.WAITING);
        assertThat(boot.submitted()).isEmpty();

        build.finishAll("build", Status.PASS);
        world.settle();
        assertThat(boot.submitted()).hasSize(1);
    }

    @Test
    void a_build_that_gave_up_on_infrastructure_leaves_the_boot_not_run_and_the_verdict_incomplete() {
        open();
        build.finishAll("build", Status.ERROR);
        world.settle();
        build.finishAll("build", Status.ERROR);
        world.settle();

        assertThat(run("build").state()).isEqualTo(RunState.ERRORED);
        assertThat(run("boot").note()).isEqualTo("not run: build had an infrastructure error: 1 infrastructure error, "
                + "code not judged: build (gave up after 2 attempts)");
        assertThat(summary()).contains("⚠️ **infra-error**")
                .contains("(after build) skipped (not run: build had an infrastructure error: ");
    }

    @Test
    void cancelling_the_change_cancels_the_waiting_boot_with_its_build() {
        open();
        world.deliver(fake.commentDelivery(REPO, 7, fake.comment(REPO, 7, "alice", "/labgate cancel")));
        world.settle();

        assertThat(run("build").state()).isEqualTo(RunState.CANCELLED);
        assertThat(run("boot").state()).isEqualTo(RunState.CANCELLED);
        assertThat(build.cancelled()).hasSize(1);
        assertThat(boot.submitted()).isEmpty();
    }

    @Test
    void a_retest_builds_again_and_the_new_boot_waits_for_the_new_build() {
        open();
        build.finishAll("build", Status.PASS);
        world.settle();
        boot.finishAll("boot.login", Status.FAIL);
        world.settle();

        world.deliver(fake.commentDelivery(REPO, 7, fake.comment(REPO, 7, "alice", "/labgate retest")));
        world.settle();
        var retest = run("boot");
        assertThat(retest.round()).isEqualTo(1);
        assertThat(retest.state()).as("the first round's build does not count").isEqualTo(RunState.WAITING);
        assertThat(run("build").round()).isEqualTo(1);
        assertThat(build.submitted()).hasSize(2);

        build.finishAll("build", Status.PASS);
        world.settle();
        assertThat(boot.submitted()).hasSize(2);
        assertThat(boot.submitted().get(1).runId()).isEqualTo(retest.id());
    }
}
