package dev.labgate.bot;

import dev.labgate.core.forge.ForgeReports;
import dev.labgate.testkit.FakeKcidbNg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A contributor's first pull request on a fresh install, through the running service: the command
 * lab runs a KUnit-style script from a real git repository, labgate tests the base commit on its
 * own, and the status, the summary, the run page and the log say what broke in the failure's own
 * words, with the failure the base already had listed apart.
 */
class VerdictServiceTest {

    /** KUnit's KTAP as the kernel prints it; {@code SUB} and {@code MUL} decide which cases fail. */
    private static final String KUNIT = """
            echo "[    0.100000] Linux version 6.18.0-demo"
            echo "KTAP version 1"
            echo "1..1"
            echo "    KTAP version 1"
            echo "    # Subtest: demo"
            echo "    # module: demo_test"
            echo "    1..3"
            echo "    ok 1 demo_add"
            if [ "$SUB" = fail ]; then
              echo "    # demo_sub: EXPECTATION FAILED at lib/demo_test.c:21"
              echo "    Expected 2 == 3, but"
              echo "        x == 2 (0x2)"
              echo "    not ok 2 demo_sub"
            else
              echo "    ok 2 demo_sub"
            fi
            echo "    # demo_mul: EXPECTATION FAILED at lib/demo_test.c:30"
            echo "    Expected 6 == 7, but"
            echo "        y == 6 (0x6)"
            echo "    not ok 3 demo_mul"
            echo "not ok 1 demo"
            exit 1
            """;

    @TempDir
    Path tmp;

    @Test
    void a_first_pull_request_whose_kunit_case_fails_reads_one_regression_in_its_own_words_against_a_tested_base() {
        try (var scenario = new Scenario(tmp, "sh kunit.sh");
             var labgate = new RunningLabgate(scenario.properties())) {
            var base = scenario.git.commit("refs/heads/master", scenario.base, "demo tests",
                    Map.of("kunit.sh", "SUB=pass\n" + KUNIT));
            var head = scenario.git.commit("refs/pull/7/head", base, "demo: subtract wrongly",
                    Map.of("kunit.sh", "SUB=fail\n" + KUNIT));
            scenario.github.permission(Scenario.REPO, "alice", "write");
            scenario.github.openChange(Scenario.REPO, 7, "alice", head, base, false, List.of("kunit.sh"),
                    List.of(head));

            labgate.postGitHub("pull_request", "d-1", Fixtures.pullRequest("opened", Scenario.REPO, 7, "alice", head,
                    base, false), Scenario.SECRET);

            await().atMost(Duration.ofSeconds(60)).until(() -> scenario.github.statuses(Scenario.REPO, head).stream()
                    .anyMatch(s -> !s.state().equals("pending")));
            var last = scenario.github.statuses(Scenario.REPO, head).stream().filter(s -> !s.state().equals("pending"))
                    .findFirst().orElseThrow();
            assertThat(last.state()).isEqualTo("failure");
            assertThat(last.description())
                    .isEqualTo("Failed: 1 regression: kunit.demo.demo_sub: Expected 2 == 3, but x == 2 (0x2)");
            assertThat(scenario.github.statuses(Scenario.REPO, base)).as("the base run reports nothing").isEmpty();
            var runId = last.targetUrl().substring(last.targetUrl().lastIndexOf('/') + 1);

            await().atMost(Duration.ofSeconds(10)).until(() -> scenario.github.comments(Scenario.REPO, 7).stream()
                    .anyMatch(c -> c.body().contains("**fail**")));
            var summary = scenario.github.comments(Scenario.REPO, 7).stream()
                    .filter(c -> c.body().startsWith(ForgeReports.SUMMARY_MARKER)).findFirst().orElseThrow().body();
            assertThat(summary).startsWith(ForgeReports.SUMMARY_MARKER + "\n### labgate: ❌ **fail**: 1 regression: "
                            + "kunit.demo.demo_sub: Expected 2 == 3, but x == 2 (0x2) ([log](https://labgate.example/runs/"
                            + runId + "/log))")
                    .contains("Compared with the base commit " + base + " on local")
                    .contains("**Failing on the base too** (not this change's doing)")
                    .contains("`kunit.demo.demo_mul`")
                    .contains("| tests | 2 FAIL, 1 PASS |");

            var log = labgate.get("/runs/" + runId + "/log");
            assertThat(log.statusCode()).isEqualTo(200);
            assertThat(log.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                    .startsWith("text/plain"));
            assertThat(log.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(log.body()).contains("Linux version 6.18.0-demo").contains("not ok 2 demo_sub");
            assertThat(labgate.get("/runs/nosuchrun/log").statusCode()).isEqualTo(404);

            var page = labgate.get("/runs/" + runId).body();
            assertThat(page).contains("A change").contains("Compared with the results of the base commit on local")
                    .contains("/runs/" + runId + "/log").contains("Expected 2 == 3, but");

            var mine = labgate.get("/api/runs?author=alice").body();
            assertThat(mine).as("the base run counts apart from the author's runs").contains(runId)
                    .doesNotContain("\"base commit of changes");
            var all = labgate.get("/api/runs").body();
            assertThat(all).contains("base commit of changes (refs/heads/master)");
        }
    }

    @Test
    void a_finished_runs_results_are_shared_with_kcidb_under_the_operators_origin_and_followed_to_the_end()
            throws Exception {
        try (var kcidb = new FakeKcidbNg("kcidb-test-secret");
             var scenario = new Scenario(tmp, "sh kunit.sh")) {
            assertThat(System.getenv("LABGATE_TEST_KCIDB_TOKEN")).as("set by bot/pom.xml for the tests")
                    .isEqualTo(kcidb.token("labgate_test", Instant.parse("2100-01-01T00:00:00Z")));
            Files.writeString(scenario.root.resolve("policy.yml"), Files.readString(scenario.root.resolve("policy.yml"))
                    + """
                    kcidb:
                      submit:
                        url: %s
                        token-env: LABGATE_TEST_KCIDB_TOKEN
                        origin: labgate_test
                    """.formatted(kcidb.url()));
            try (var labgate = new RunningLabgate(scenario.properties())) {
                var head = scenario.git.commit("refs/pull/7/head", scenario.base, "demo",
                        Map.of("kunit.sh", "SUB=fail\n" + KUNIT));
                scenario.github.permission(Scenario.REPO, "alice", "write");
                scenario.github.openChange(Scenario.REPO, 7, "alice", head, scenario.base, false,
                        List.of("kunit.sh"), List.of(head));
                labgate.postGitHub("pull_request", "d-1", Fixtures.pullRequest("opened", Scenario.REPO, 7, "alice",
                        head, scenario.base, false), Scenario.SECRET);

                // The head's run and the base's run are both labgate's own results: both are shared.
                await().atMost(Duration.ofSeconds(90)).until(() -> kcidb.submissions().size() == 2);
                var last = scenario.github.statuses(Scenario.REPO, head).stream()
                        .filter(s -> !s.state().equals("pending")).findFirst().orElseThrow();
                var runId = last.targetUrl().substring(last.targetUrl().lastIndexOf('/') + 1);
                assertThat(kcidb.submissions()).anySatisfy(s -> {
                    assertThat(s.body().get("checkouts").get(0).get("id").asText()).isEqualTo("labgate_test:" + runId);
                    assertThat(s.body().get("tests")).allSatisfy(t -> assertThat(t.get("origin").asText())
                            .isEqualTo("labgate_test"));
                    assertThat(s.body().get("tests").toString()).contains("kunit.demo.demo_sub")
                            .contains("https://labgate.example/runs/" + runId + "/log");
                });
                await().atMost(Duration.ofSeconds(120)).until(() -> labgate.get("/api/runs/" + runId).body()
                        .contains("\"state\":\"processed\""));
                assertThat(labgate.get("/runs/" + runId).body()).contains("Shared with KCIDB").contains("processed");
            }
        }
    }
}
