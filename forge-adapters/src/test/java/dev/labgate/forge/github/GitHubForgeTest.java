package dev.labgate.forge.github;

import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.Person;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.event.Subject;
import dev.labgate.core.forge.CommitStatus;
import dev.labgate.core.forge.ForgeException;
import dev.labgate.core.forge.ForgeReports;
import dev.labgate.core.review.Finding;
import dev.labgate.testkit.FakeForge;
import dev.labgate.testkit.FakeGitHub;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** What only GitHub does: a GitHub App's check runs and redeliveries, budgets in headers, GitHub's rate limits. */
class GitHubForgeTest {

    private static final String REPO = "acme/linux";
    private static final String HEAD = "1111111111111111111111111111111111111111";
    private static final RepoRef REPO_REF = new RepoRef("github", REPO);
    private static final ChangeRef CHANGE = new ChangeRef(REPO_REF, 7);
    private static final Subject SUBJECT = new Subject.Change(CHANGE);
    private static final KeyPair APP_KEY = rsa();

    @Nested
    class AsAGitHubApp {

        private final KeyPair key = APP_KEY;
        private FakeGitHub github;
        private GitHubForge forge;

        @BeforeEach
        void start() throws IOException {
            github = new FakeGitHub().app("4242", "labgate", key.getPublic()).installation("acme", 77);
            github.openChange(REPO, 7, "alice", HEAD, HEAD.replace('1', '2'), false, List.of("a.c"), List.of(HEAD));
            forge = new GitHubForge(app(github, pkcs1(key)), Clock.systemUTC());
        }

        @AfterEach
        void stop() {
            github.close();
        }

        @Test
        void a_final_check_run_carries_its_findings_as_annotations_fifty_per_request() {
            var findings = new ArrayList<Finding>();
            for (int i = 1; i <= 120; i++) {
                findings.add(Finding.at("drivers/a.c", i, i % 2 == 0 ? 5 : 0, i == 120 ? Finding.Severity.ERROR
                        : Finding.Severity.WARNING, "warning " + i, "gcc"));
            }
            forge.setStatus(SUBJECT, HEAD, new CommitStatus("labgate/lab", CommitStatus.State.PENDING, "Running", null)
                    .withAnnotations(findings));
            assertThat(github.annotations(REPO, HEAD, "labgate/lab")).as("only a final check run is annotated").isEmpty();
            var before = github.requests().size();
            forge.setStatus(SUBJECT, HEAD, new CommitStatus("labgate/lab", CommitStatus.State.FAILURE, "Failed", null)
                    .withAnnotations(findings));
            assertThat(github.requests().subList(before, github.requests().size()))
                    .filteredOn(r -> r.path().contains("/check-runs/")).hasSize(3);
            var annotations = github.annotations(REPO, HEAD, "labgate/lab");
            assertThat(annotations).hasSize(120);
            assertThat(annotations.get(0)).satisfies(a -> {
                assertThat(a.level()).as("the most severe first").isEqualTo("failure");
                assertThat(a.startLine()).isEqualTo(120);
                assertThat(a.startColumn()).isEqualTo(5);
                assertThat(a.title()).isEqualTo("gcc error");
            });
            assertThat(annotations).filteredOn(a -> a.startLine() == 1).singleElement()
                    .satisfies(a -> assertThat(a.startColumn()).as("no column when the tool gave none").isNull());
        }

        @Test
        void a_status_is_a_check_run_updated_in_place_until_it_completes() {
            forge.setStatus(SUBJECT, HEAD, new CommitStatus("labgate/lab", CommitStatus.State.PENDING,
                    "Queued on lab (position 3)", null));
            forge.setStatus(SUBJECT, HEAD, new CommitStatus("labgate/lab", CommitStatus.State.PENDING, "Running on lab",
                    null));
            forge.setStatus(SUBJECT, HEAD, new CommitStatus("labgate/lab", CommitStatus.State.FAILURE,
                    "Failed: 1 failure", "https://labgate.example/runs/r1", "**Failures**\n\n- `boot`"));
            assertThat(github.checkRuns(REPO, HEAD)).singleElement().satisfies(run -> {
                assertThat(run.name()).isEqualTo("labgate/lab");
                assertThat(run.status()).isEqualTo("completed");
                assertThat(run.conclusion()).isEqualTo("failure");
                assertThat(run.title()).isEqualTo("Failed: 1 failure");
                assertThat(run.summary()).isEqualTo("**Failures**\n\n- `boot`");
                assertThat(run.detailsUrl()).isEqualTo("https://labgate.example/runs/r1");
            });
            assertThat(github.statuses(REPO, HEAD)).as("no commit statuses in App mode").isEmpty();
        }

        @Test
        void a_new_round_after_a_completed_run_is_a_new_check_run() {
            forge.setStatus(SUBJECT, HEAD, new CommitStatus("labgate/lab", CommitStatus.State.ERROR, "Lab down", null));
            forge.setStatus(SUBJECT, HEAD, new CommitStatus("labgate/lab", CommitStatus.State.PENDING, "Submitting",
                    null));
            assertThat(github.checkRuns(REPO, HEAD)).extracting(FakeGitHub.CheckRun::status)
                    .containsExactly("completed", "in_progress");
        }

        @Test
        void a_summary_over_githubs_limit_is_cut_by_whole_rows_and_says_where_the_rest_is() {
            var huge = "| test | result |\n|---|---|\n" + "| boot | fail |\n".repeat(6_000);
            forge.setStatus(SUBJECT, HEAD, new CommitStatus("labgate/lab", CommitStatus.State.FAILURE, "Failed",
                    "https://labgate.example/runs/r9", huge));
            assertThat(github.checkRuns(REPO, HEAD)).singleElement().satisfies(run -> {
                assertThat(run.summary().length()).isLessThanOrEqualTo(65_535);
                assertThat(run.summary()).startsWith("| test | result |\n|---|---|\n| boot | fail |")
                        .endsWith("The whole report: https://labgate.example/runs/r9");
                assertThat(run.summary().lines().filter(l -> l.startsWith("|")))
                        .allMatch(l -> l.equals("| boot | fail |") || l.startsWith("| test") || l.startsWith("|---"));
            });
        }

        @Test
        void a_summary_of_astral_characters_over_the_limit_still_fits() {
            var emoji = "😀".repeat(40_000);
            forge.setStatus(SUBJECT, HEAD, new CommitStatus("labgate/lab", CommitStatus.State.FAILURE, "Failed",
                    "https://labgate.example/runs/r9", emoji));
            assertThat(github.checkRuns(REPO, HEAD)).singleElement()
                    .satisfies(run -> assertThat(run.summary()).startsWith("😀😀").contains("✂️ Cut to fit"));
        }

        @Test
        void comments_are_written_and_found_again_as_the_apps_bot_account() {
            forge.upsertSummary(CHANGE, "running", false);
            forge.upsertSummary(CHANGE, "passed", false);
            assertThat(github.comments(REPO, 7)).singleElement().satisfies(c -> {
                assertThat(c.author()).isEqualTo("labgate[bot]");
                assertThat(c.body()).isEqualTo(ForgeReports.SUMMARY_MARKER + "\npassed");
            });
        }

        @Test
        void facts_are_asked_with_an_installation_token_minted_from_the_apps_key() {
            github.permission(REPO, "alice", "maintain");
            assertThat(forge.permission(REPO_REF, new Person("alice")).level().name()).isEqualTo("MAINTAIN");
            assertThat(github.requests()).anySatisfy(r -> assertThat(r.path())
                    .isEqualTo("/app/installations/77/access_tokens"));
        }

        @Test
        void a_key_github_does_not_know_is_a_final_fault_that_names_the_key() throws IOException {
            try (var other = new FakeGitHub().app("4242", "labgate", rsa().getPublic()).installation("acme", 77)) {
                var wrong = new GitHubForge(app(other, pkcs1(key)), Clock.systemUTC());
                var e = catchThrowableOfType(() -> wrong.currentHead(CHANGE), ForgeException.class);
                assertThat(e.retryable()).isFalse();
                assertThat(e.getMessage()).contains("401").contains("App key");
            }
        }

        @Test
        void a_pkcs8_key_is_read_too() {
            var pkcs8 = "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes())
                    .encodeToString(key.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
            var other = new GitHubForge(app(github, pkcs8), Clock.systemUTC());
            assertThat(other.currentHead(CHANGE)).isEqualTo(HEAD);
        }

        @Test
        void failed_deliveries_labgate_never_stored_are_asked_for_again_within_the_limit() {
            github.hookDelivery("stored-guid", "pull_request", 502)
                    .hookDelivery("delivered-guid", "pull_request", 202)
                    .hookDelivery("missed-1", "pull_request", 502)
                    .hookDelivery("missed-2", "issue_comment", 0)
                    .hookDelivery("missed-2", "issue_comment", 503)
                    .hookDelivery("missed-3", "push", 401);
            var asked = forge.redeliverFailed(Set.of("stored-guid")::contains, 2);
            assertThat(asked).isEqualTo(2);
            assertThat(github.redelivered()).containsExactly("missed-3", "missed-2");
            assertThat(forge.redeliverFailed(Set.of("stored-guid")::contains, 10)).isEqualTo(3);
        }
    }

    @Nested
    class WithAToken {

        private FakeGitHub github;
        private GitHubForge forge;

        @BeforeEach
        void start() throws IOException {
            github = new FakeGitHub("kernel-ci-bot").acceptToken("t0ken");
            github.openChange(REPO, 7, "alice", HEAD, HEAD.replace('1', '2'), false, List.of("a.c"), List.of(HEAD));
            forge = new GitHubForge(GitHubSettings.withToken("github", github.url(), URI.create("https://github.example"),
                    List.of("s"), "t0ken", null), Clock.systemUTC());
        }

        @AfterEach
        void stop() {
            github.close();
        }

        @Test
        void comments_are_written_as_the_tokens_user_learned_from_the_api() {
            forge.reply(CHANGE, "1", "help text");
            assertThat(github.comments(REPO, 7)).singleElement()
                    .satisfies(c -> assertThat(c.author()).isEqualTo("kernel-ci-bot"));
        }

        @Test
        void a_status_description_and_details_do_not_leak_into_a_commit_status() {
            forge.setStatus(SUBJECT, HEAD, new CommitStatus("labgate/lab", CommitStatus.State.SUCCESS, "Passed", null,
                    "details only a check run can show"));
            assertThat(github.statuses(REPO, HEAD)).singleElement().satisfies(s -> {
                assertThat(s.state()).isEqualTo("success");
                assertThat(s.description()).isEqualTo("Passed");
            });
        }

        @Test
        void when_the_budget_is_down_to_the_reserve_facts_wait_and_reports_still_go_out() {
            var reset = Instant.now().plusSeconds(1200);
            github.budget(60, reset);
            forge.currentHead(CHANGE);
            var before = github.requests().size();
            var e = catchThrowableOfType(() -> forge.changedFiles(CHANGE), ForgeException.class);
            assertThat(e.retryable()).isTrue();
            assertThat(e.retryAfter()).hasValueSatisfying(d -> assertThat(d).isBetween(Duration.ofSeconds(1100),
                    Duration.ofSeconds(1200)));
            assertThat(github.requests()).hasSize(before);
            assertThatCode(() -> forge.setStatus(SUBJECT, HEAD, new CommitStatus("labgate/lab",
                    CommitStatus.State.SUCCESS, "Passed", null))).doesNotThrowAnyException();
            assertThat(github.statuses(REPO, HEAD)).hasSize(1);
        }

        @Test
        void a_spent_hourly_budget_waits_until_its_reset() {
            github.rateLimitNext(1, FakeGitHub.Limit.PRIMARY);
            var e = catchThrowableOfType(() -> forge.commits(CHANGE), ForgeException.class);
            assertThat(e.retryable()).isTrue();
            assertThat(e.retryAfter()).hasValueSatisfying(d -> assertThat(d).isGreaterThan(Duration.ofMinutes(29)));
        }

        @Test
        void a_429_waits_as_long_as_github_says() {
            github.rateLimitNext(1, FakeGitHub.Limit.TOO_MANY);
            var e = catchThrowableOfType(() -> forge.commits(CHANGE), ForgeException.class);
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(30));
        }

        @Test
        void a_wrong_token_is_a_final_fault() {
            var wrong = new GitHubForge(GitHubSettings.withToken("github", github.url(), URI.create("https://x"),
                    List.of("s"), "stolen", null), Clock.systemUTC());
            var e = catchThrowableOfType(() -> wrong.currentHead(CHANGE), ForgeException.class);
            assertThat(e.retryable()).isFalse();
        }

        @Test
        void without_an_app_no_redelivery_is_asked_for() {
            assertThat(forge.redeliverFailed(id -> false, 10)).isZero();
            assertThat(github.redelivered()).isEmpty();
        }

        @Test
        void a_fake_with_statuses_reports_them_in_forge_neutral_terms() {
            forge.setStatus(SUBJECT, HEAD, new CommitStatus("labgate/lab", CommitStatus.State.ERROR, "Timed out", null));
            assertThat(github.statusesSeen(REPO, HEAD)).extracting(FakeForge.Status::state)
                    .containsExactly(FakeForge.State.FAILURE);
        }
    }

    static GitHubSettings app(FakeGitHub github, String pem) {
        return new GitHubSettings("github", github.url(), URI.create("https://github.example"), List.of("s"), null,
                null, Optional.of(new GitHubSettings.App("4242", pem)), 100);
    }

    static KeyPair rsa() {
        try {
            var generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key as GitHub hands it out: PKCS#1, "BEGIN RSA PRIVATE KEY". */
    static String pkcs1(KeyPair key) {
        var out = new StringWriter();
        try (var writer = new JcaPEMWriter(out)) {
            writer.writeObject(key);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        assertThat(out.toString()).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        return out.toString();
    }
}
