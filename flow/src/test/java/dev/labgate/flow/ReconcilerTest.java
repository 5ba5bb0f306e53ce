package dev.labgate.flow;

import dev.labgate.core.event.DeliveryKey;
import dev.labgate.core.kcidb.Status;
import dev.labgate.forge.github.GitHubForge;
import dev.labgate.forge.github.GitHubSettings;
import dev.labgate.testkit.FakeGitHub;
import dev.labgate.testkit.TestClock;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ReconcilerTest {

    private static final String REPO = "acme/linux";

    private FakeGitHub github;
    private FlowWorld world;

    @BeforeEach
    void start() throws IOException {
        github = new FakeGitHub().acceptToken("t");
        var clock = new TestClock(Instant.now());
        world = new FlowWorld(clock, github, new GitHubForge(GitHubSettings.withToken("github", github.url(),
                URI.create("https://github.example"), List.of(FlowWorld.SECRET), "t", "labgate-bot"), clock));
        github.permission(REPO, "alice", "write");
    }

    @AfterEach
    void stop() {
        github.close();
    }

    private static String sha(int n) {
        return String.format("%040x", n);
    }

    @Test
    void a_change_whose_delivery_was_lost_is_started_as_if_it_had_arrived() {
        github.openChange(REPO, 3, "alice", sha(3), sha(100), false, List.of("a.c"), List.of(sha(3)));
        var outcome = world.reconciler.pass();
        world.settle();
        assertThat(outcome).contains("1 missed head acted on");
        assertThat(world.lab.submitted()).singleElement().satisfies(r -> assertThat(r.commit()).isEqualTo(sha(3)));
        world.lab.finishAll(Status.PASS);
        world.settle();
        assertThat(github.statusesSeen(REPO, sha(3))).last()
                .satisfies(s -> assertThat(s.description()).startsWith("Passed"));
    }

    @Test
    void a_head_labgate_has_runs_for_is_left_alone() {
        github.openChange(REPO, 3, "alice", sha(3), sha(100), false, List.of("a.c"), List.of(sha(3)));
        world.deliver(github.changeDelivery(REPO, 3, "opened"));
        world.settle();
        var requests = github.requestCount();
        assertThat(world.reconciler.pass()).contains("0 missed heads acted on");
        assertThat(github.requests().subList(requests, github.requestCount())).extracting(r -> r.path())
                .as("the listings, nothing else").containsExactly("/repos/acme/linux/pulls",
                        "/repos/acme/linux/branches/staging");
        assertThat(world.lab.submitted()).hasSize(1);
    }

    @Test
    void a_pass_is_bounded_and_the_next_pass_goes_on_where_it_stopped() {
        for (int n = 1; n <= 25; n++) {
            github.openChange(REPO, n, "alice", sha(n), sha(100), false, List.of("a.c"), List.of(sha(n)));
        }
        world.reconciler.pass();
        assertThat(world.stores.runs.all()).as("at most 10 heads a pass").hasSize(10);
        world.reconciler.pass();
        world.reconciler.pass();
        assertThat(world.stores.runs.all()).hasSize(25);
        assertThat(world.stores.runs.all()).extracting(r -> r.deliveryId()).allMatch(id -> id.startsWith("reconcile-"));
    }

    @Test
    void a_staging_branch_head_is_looked_at_with_its_pusher() {
        github.push(REPO, "staging", sha(50), sha(51), "maint");
        var requests = github.requestCount();
        var outcome = world.reconciler.pass();
        assertThat(github.requests().subList(requests, github.requestCount())).extracting(r -> r.path())
                .contains("/repos/acme/linux/branches/staging", "/repos/acme/linux/events");
        assertThat(outcome).contains("1 missed head acted on");
    }

    @Test
    void a_rate_limited_forge_ends_the_pass_for_it_without_failing() {
        github.openChange(REPO, 3, "alice", sha(3), sha(100), false, List.of("a.c"), List.of(sha(3)));
        github.rateLimitNext(1, FakeGitHub.Limit.SECONDARY);
        var outcome = world.reconciler.pass();
        assertThat(outcome).contains("0 missed heads acted on");
        assertThat(world.lab.submitted()).isEmpty();
    }

    @Test
    void with_a_github_app_failed_deliveries_labgate_never_stored_are_asked_for_again() throws Exception {
        var key = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        var pem = new StringWriter();
        try (var writer = new JcaPEMWriter(pem)) {
            writer.writeObject(key);
        }
        try (var app = new FakeGitHub().app("7", "labgate", key.getPublic()).installation("acme", 70)) {
            var clock = new TestClock(Instant.now());
            var appWorld = new FlowWorld(clock, app, new GitHubForge(new GitHubSettings("github", app.url(),
                    URI.create("https://github.example"), List.of(FlowWorld.SECRET), null, null,
                    Optional.of(new GitHubSettings.App("7", pem.toString())), 100), clock));
            app.openChange(REPO, 1, "alice", sha(1), sha(100), false, List.of("a.c"), List.of(sha(1)));
            appWorld.deliver(app.changeDelivery(REPO, 1, "opened"));
            var stored = "00000000-0000-4000-8000-000000000001";
            assertThat(appWorld.stores.deliveries.find(new DeliveryKey("github", stored))).isPresent();
            app.hookDelivery(stored, "pull_request", 503).hookDelivery("lost-while-labgate-was-down", "push", 0);

            var outcome = appWorld.reconciler.pass();
            assertThat(app.redelivered()).containsExactly("lost-while-labgate-was-down");
            assertThat(outcome).contains("1 failed deliveries asked for again");
        }
    }
}
