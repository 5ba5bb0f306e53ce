package dev.labgate.kcidb.dashboard;

import dev.labgate.core.kcidb.Build;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.kcidb.Test;
import dev.labgate.core.verdict.Verdict;
import dev.labgate.kcidb.KcidbJson;
import dev.labgate.kcidb.KcidbValidator;
import dev.labgate.kcidb.VerdictAggregator;
import dev.labgate.testkit.FakeKcidbDashboard;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DashboardClientTest {

    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    private static final TreeQuery QUERY = new TreeQuery(COMMIT, "maestro", "https://git.example/linux.git", "master");

    private FakeKcidbDashboard dashboard;
    private DashboardClient client;

    @BeforeEach
    void start() throws IOException {
        dashboard = new FakeKcidbDashboard();
        client = new DashboardClient(HttpClient.newHttpClient(), dashboard.api());
    }

    @AfterEach
    void stop() {
        dashboard.close();
    }

    private void answerTree() {
        dashboard.answer("tree/" + COMMIT + "/builds", fixture("tree-builds.json"))
                .answer("tree/" + COMMIT + "/boots", fixture("tree-boots.json"))
                .answer("tree/" + COMMIT + "/tests", fixture("tree-tests.json"));
    }

    @org.junit.jupiter.api.Test
    void tree_answers_map_back_into_valid_kcidb_data() throws Exception {
        answerTree();

        var data = client.tree(QUERY);

        assertThat(data.builds()).extracting(Build::id).containsExactly("maestro:b-x86", "maestro:b-arm",
                "broonie:dashboard:riscv/tinyconfig/clang-17");
        assertThat(data.builds().get(1).status()).isEqualTo(Status.FAIL);
        assertThat(data.builds().get(0).configName()).isEqualTo("defconfig");
        assertThat(data.tests()).extracting(Test::id, Test::buildId, Test::path, Test::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("maestro:boot-1", "maestro:b-x86", "boot", Status.PASS),
                org.assertj.core.groups.Tuple.tuple("maestro:t-1", "maestro:b-x86", "kselftest.net.tls", Status.FAIL),
                org.assertj.core.groups.Tuple.tuple("broonie:t-2", "broonie:dashboard:riscv/tinyconfig/clang-17",
                        "kselftest.net.ipv6", Status.PASS));
        assertThat(data.tests().get(1).environment().misc()).isEqualTo(Map.of("platform", "qemu-x86"));
        assertThat(data.checkouts()).allSatisfy(c -> assertThat(c.gitCommitHash()).isEqualTo(COMMIT));
        assertThat(new KcidbValidator().validate(KcidbJson.mapper().valueToTree(data))).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void every_tree_request_names_the_origin_repository_and_branch() throws Exception {
        answerTree();

        client.tree(QUERY);

        assertThat(dashboard.requests()).extracting(FakeKcidbDashboard.Request::path).containsExactly(
                "/api/tree/" + COMMIT + "/builds", "/api/tree/" + COMMIT + "/boots", "/api/tree/" + COMMIT + "/tests");
        assertThat(dashboard.requests()).allSatisfy(r -> assertThat(r.query())
                .isEqualTo("origin=maestro&git_url=https%3A%2F%2Fgit.example%2Flinux.git&git_branch=master"));
    }

    @org.junit.jupiter.api.Test
    void an_error_key_with_http_200_is_an_empty_answer_not_a_failure() throws Exception {
        var data = client.tree(QUERY);

        assertThat(data.builds()).isEmpty();
        assertThat(data.tests()).isEmpty();
        assertThat(client.summary(QUERY)).isEqualTo(TreeSummary.empty());
    }

    @org.junit.jupiter.api.Test
    void summary_counts_come_back_per_status_without_the_null_count() throws Exception {
        dashboard.answer("tree/" + COMMIT + "/summary", fixture("tree-summary.json"));

        var summary = client.summary(QUERY);

        assertThat(summary.builds()).containsExactlyInAnyOrderEntriesOf(Map.of(Status.PASS, 1L, Status.FAIL, 1L));
        assertThat(summary.boots()).containsExactlyInAnyOrderEntriesOf(Map.of(Status.PASS, 1L));
        assertThat(summary.testsByOrigin().get("maestro")).containsExactlyInAnyOrderEntriesOf(Map.of(Status.FAIL, 1L));
    }

    @org.junit.jupiter.api.Test
    void issues_of_failing_tests_become_known_issues_that_the_verdict_lists_apart() throws Exception {
        answerTree();
        dashboard.answer("test/maestro:t-1/issues", fixture("test-issues.json"))
                .answer("issue/maestro:issue-tls", fixture("issue-details.json"));
        var data = client.tree(QUERY);

        var known = client.knownIssues(data);
        var verdict = new VerdictAggregator().aggregate(data, Optional.empty(), known);

        assertThat(known.issues()).singleElement().satisfies(issue -> {
            assertThat(issue.reportSubject()).isEqualTo("kselftest net.tls times out under qemu");
            assertThat(issue.culprit().tool()).isTrue();
        });
        assertThat(known.incidents()).singleElement().satisfies(i -> assertThat(i.testId()).isEqualTo("maestro:t-1"));
        assertThat(dashboard.requests()).anySatisfy(r -> assertThat(r.query()).isEqualTo("version=2"));
        assertThat(verdict.knownIssues()).extracting(Verdict.Finding::path).containsExactly("kselftest.net.tls");
        // the arm64 build failure has no issue: it still fails the verdict
        assertThat(verdict.notCompared()).extracting(Verdict.Finding::path).containsExactly("build");
        assertThat(dashboard.requests()).anySatisfy(r -> assertThat(java.net.URLDecoder.decode(r.path(),
                java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("/api/build/maestro:b-arm/issues"));
    }

    @org.junit.jupiter.api.Test
    void an_answer_that_is_not_the_api_names_the_path_and_status() {
        dashboard.answer("tree/" + COMMIT + "/builds", 500, "<html>oops</html>");

        assertThatThrownBy(() -> client.tree(QUERY)).isInstanceOf(DashboardException.class)
                .hasMessageContaining("tree/" + COMMIT + "/builds").hasMessageContaining("HTTP 500");
    }

    private static String fixture(String name) {
        try (var in = DashboardClientTest.class.getResourceAsStream("/dashboard/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
