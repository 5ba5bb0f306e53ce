package dev.labgate.bot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labgate.bot.pages.SafeHtml;
import dev.labgate.bot.store.Database;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The run pages served by the running service over a database with a few runs in it: the HTML,
 * the JSON behind it, the filters, the labs; and the link of a real commit status leading to the
 * page of its run. The network allowlist is {@link AllowlistServiceTest}'s.
 */
class RunPagesServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;
    private static RunningLabgate labgate;
    private static SeededRuns.Ids ids;

    @TempDir
    Path tmp;

    /** Two command labs, as a policy names them; the runs themselves are written by {@link SeededRuns}. */
    static Map<String, Object> properties(Path root) throws IOException {
        Files.createDirectories(root);
        Files.writeString(root.resolve("policy.yml"), """
                repositories:
                  - github: acme/linux
                labs:
                  local:
                    type: command
                    command: 'true'
                  qemu-arm64:
                    type: command
                    command: 'true'
                plans:
                  - name: smoke
                    lab: local
                """);
        var p = new HashMap<String, Object>();
        p.put("labgate.data-dir", root.resolve("data").toString());
        p.put("labgate.policy", root.resolve("policy.yml").toString());
        p.put("labgate.public-url", "https://labgate.example");
        // Nothing advances the seeded runs: the pages show them as they were written.
        p.put("labgate.work.enabled", false);
        return p;
    }

    @BeforeAll
    static void start() throws IOException {
        labgate = new RunningLabgate(properties(shared));
        ids = SeededRuns.seed(labgate.bean(Database.class), Instant.now().minus(Duration.ofHours(1)));
    }

    @AfterAll
    static void stop() {
        labgate.close();
    }

    @Test
    void the_service_s_address_alone_leads_to_the_runs() {
        var answer = labgate.get("/");
        assertThat(answer.statusCode()).isEqualTo(303);
        assertThat(answer.headers().firstValue("Location")).hasValue("/runs");
    }

    @Test
    void the_page_of_a_failed_run_shows_its_failures_its_plan_its_trust_and_its_other_head() {
        var answer = labgate.get("/runs/" + ids.failed());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/html"));
        assertThat(answer.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .startsWith("default-src 'none'").contains("script-src 'sha256-").doesNotContain("unsafe"));
        assertThat(answer.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");

        var page = Jsoup.parse(answer.body());
        // A run of the same head still runs on another lab: the page reloads itself.
        SafeHtml.assertSafe(answer.body(), page, true);
        assertThat(page.selectFirst("h1").text()).isEqualTo("local failed");
        assertThat(page.text()).contains("Failed on local: a test found a problem in the code.",
                SeededRuns.HOSTILE_PATH, SeededRuns.HOSTILE_EXCERPT,
                "Infrastructure errors (1)", "ltp.syscalls", "lava: connection to the board was lost",
                "40 tests:", "37 PASS", "2 FAIL", "1 ERROR", SeededRuns.HOSTILE_MESSAGE,
                "topic/<script>alert('branch')</script>", "alice (the commit): alice has write access to acme/linux",
                "local is open to anyone");
        assertThat(page.select("#code + p + ul li").text()).contains("drivers/net/phy/acme.c:12:5", "warning",
                "compiler", "unused variable '</li><script>alert(\\'gcc\\')</script>'");
        assertThat(page.select("a[href=https://lab.example/jobs/log/f1.txt]")).hasSize(1);
        assertThat(page.select("a:contains(log)")).as("a javascript: log URL is no link").extracting(a -> a.attr("href"))
                .containsExactlyInAnyOrder("https://lab.example/jobs/log/f1.txt", "/runs/" + ids.failed() + "/log");

        var plan = page.select("#plan ~ div tbody tr");
        assertThat(plan).hasSize(2);
        assertThat(plan.get(0).text()).contains("local", "(this run)", "failed", "plan 'smoke'");
        assertThat(plan.get(1).text()).contains("qemu-arm64", "running", "booting on rk3399-rock-pi-4b",
                "plan 'arm64' (touches arch/arm64/Kconfig)");
        assertThat(plan.get(1).selectFirst("a").attr("href")).isEqualTo("/runs/" + ids.running());
        assertThat(plan.get(0).select("time")).as("planned, submitted, running, finished").hasSize(4);

        assertThat(page.select("ol.timeline li").eachText()).hasSize(4).last().asString()
                .contains("(+10m 0s)", "running", "failed");
        var heads = page.select("#heads + ul li");
        assertThat(heads).hasSize(1);
        assertThat(heads.text()).contains("0a1b2c3d4e5f", "cancelled");
        assertThat(heads.select("a").attr("href")).isEqualTo("/runs/" + ids.superseded());
        assertThat(answer.body()).doesNotContain("never-shown", "x-access-token");
    }

    @Test
    void the_json_behind_a_run_page_has_the_same_facts_and_no_secret() throws IOException {
        var answer = labgate.get("/api/runs/" + ids.failed());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("application/json"));
        JsonNode run = JSON.readTree(answer.body());
        assertThat(run.get("state").asText()).isEqualTo("failed");
        assertThat(run.get("repo").asText()).isEqualTo("github:acme/linux");
        assertThat(Instant.parse(run.get("createdAt").asText())).isBefore(Instant.now());
        var verdict = run.get("verdict");
        assertThat(verdict.get("overall").asText()).isEqualTo("fail");
        assertThat(verdict.get("regressions").get("total").asInt() + verdict.get("notCompared").get("total").asInt())
                .isEqualTo(2);
        assertThat(verdict.get("infraErrors").get("total").asInt()).isEqualTo(1);
        assertThat(verdict.get("counts").get("PASS").asLong()).isEqualTo(37);
        assertThat(run.get("code").get("total").asInt()).isEqualTo(1);
        assertThat(run.get("code").get("shown").get(0).get("line").asInt()).isEqualTo(12);
        assertThat(run.get("labs")).hasSize(2);
        assertThat(run.get("labs").get(1).get("why").asText()).isEqualTo("plan 'arm64' (touches arch/arm64/Kconfig)");
        assertThat(run.get("commit").get("message").asText()).isEqualTo(SeededRuns.HOSTILE_MESSAGE);
        assertThat(run.get("previous").get(0).get("headSha").asText()).isEqualTo(SeededRuns.OLD_HEAD);
        assertThat(answer.body()).doesNotContain("never-shown", "x-access-token", "cloneUrl");
    }

    @Test
    void superseded_waiting_and_passed_runs_say_so() {
        var superseded = Jsoup.parse(labgate.get("/runs/" + ids.superseded()).body());
        assertThat(superseded.text()).contains("Cancelled", "superseded by 1f2e3d4c5b6a",
                "A newer head of this change exists: 1f2e3d4c5b6a (its local run)");
        assertThat(superseded.select(".alert a").attr("href")).isEqualTo("/runs/" + ids.failed());

        var waiting = labgate.get("/runs/" + ids.waiting());
        var page = Jsoup.parse(waiting.body());
        SafeHtml.assertSafe(waiting.body(), page, true);
        assertThat(page.text()).contains("Waiting for a maintainer's approval", "/labgate ok-to-test", "Waiting since",
                "mallory (the commit): mallory has read access to acme/linux", "No results yet.");

        var passed = labgate.get("/runs/" + ids.passed());
        var passedPage = Jsoup.parse(passed.body());
        SafeHtml.assertSafe(passed.body(), passedPage, false);
        assertThat(passedPage.text()).contains("Passed on local.", "branch refs/heads/staging-<b>x</b>",
                "1 test passed", "bob (the commit)", "Other heads of this branch", "None");
    }

    @Test
    void the_run_list_filters_by_repository_state_and_author() throws IOException {
        assertThat(listed("/api/runs")).containsExactlyInAnyOrder(ids.superseded(), ids.failed(), ids.running(),
                ids.waiting(), ids.passed());
        assertThat(listed("/api/runs?state=failed")).containsExactly(ids.failed());
        assertThat(listed("/api/runs?author=MALLORY")).containsExactly(ids.waiting());
        assertThat(listed("/api/runs?author=alice&state=running")).containsExactly(ids.running());
        assertThat(listed("/api/runs?repo=github:ACME/linux")).hasSize(5);
        assertThat(listed("/api/runs?repo=acme/linux&limit=2")).containsExactly(ids.passed(), ids.waiting());
        assertThat(listed("/api/runs?repo=gitlab:acme/linux")).isEmpty();

        var bad = labgate.get("/api/runs?state=green");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("there is no state 'green'", "timed-out");

        var html = labgate.get("/runs?state=failed&author=alice");
        assertThat(html.statusCode()).isEqualTo(200);
        var page = Jsoup.parse(html.body());
        SafeHtml.assertSafe(html.body(), page, false);
        assertThat(page.select("tbody tr")).singleElement().satisfies(row -> {
            assertThat(row.text()).contains("local", "failed", "github:acme/linux", "change 7", "1f2e3d4c5b6a", "alice");
            assertThat(row.selectFirst("a").attr("href")).isEqualTo("/runs/" + ids.failed());
        });
        assertThat(page.selectFirst("option[selected]").text()).isEqualTo("failed");
        var badPage = labgate.get("/runs?state=%3Cscript%3E");
        assertThat(badPage.statusCode()).isEqualTo(400);
        SafeHtml.assertSafe(badPage.body(), Jsoup.parse(badPage.body()), false);
        assertThat(Jsoup.parse(badPage.body()).text()).contains("there is no state '<script>'");
    }

    @Test
    void the_labs_page_counts_queues_running_runs_and_recent_endings() throws IOException {
        var labs = JSON.readTree(labgate.get("/api/labs").body()).get("labs");
        assertThat(labs).hasSize(2);
        var local = labs.get(0);
        assertThat(local.get("name").asText()).isEqualTo("local");
        assertThat(local.get("type").asText()).isEqualTo("command");
        assertThat(local.get("waiting").asLong()).isEqualTo(1);
        assertThat(local.get("finished").asLong()).as("failed and passed; cancelled is not counted").isEqualTo(2);
        assertThat(local.get("infraErrors").asLong()).isZero();
        assertThat(local.get("healthy").asBoolean()).isTrue();
        var arm = labs.get(1);
        assertThat(arm.get("name").asText()).isEqualTo("qemu-arm64");
        assertThat(arm.get("running").asLong()).isEqualTo(1);

        var html = labgate.get("/labs");
        var page = Jsoup.parse(html.body());
        SafeHtml.assertSafe(html.body(), page, false);
        assertThat(page.select("tbody tr").get(0).text()).contains("local", "command", "healthy",
                "2 runs finished in the last 24 h, 0 with an infrastructure error or timeout", "0 %");
    }

    @Test
    void an_unknown_run_is_a_clear_404_in_html_and_json() {
        var html = labgate.get("/runs/nosuchrun");
        assertThat(html.statusCode()).isEqualTo(404);
        assertThat(Jsoup.parse(html.body()).text()).contains("labgate has no run nosuchrun.");
        var json = labgate.get("/api/runs/nosuchrun");
        assertThat(json.statusCode()).isEqualTo(404);
        assertThat(json.body()).contains("labgate has no run nosuchrun");
    }

    @Test
    void the_link_of_a_real_commit_status_leads_to_the_page_of_its_run() {
        try (var scenario = new Scenario(tmp, "echo hello");
             var service = new RunningLabgate(scenario.properties())) {
            scenario.github.permission(Scenario.REPO, "alice", "write");
            scenario.github.openChange(Scenario.REPO, 7, "alice", scenario.head, scenario.base, false,
                    List.of("hello.txt"), List.of(scenario.head));
            service.postGitHub("pull_request", "d-1", Fixtures.pullRequest("opened", Scenario.REPO, 7, "alice",
                    scenario.head, scenario.base, false), Scenario.SECRET);
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    PullRequestFlowTest.finalStatuses(scenario.github, scenario.head).size() == 1);
            var status = PullRequestFlowTest.finalStatuses(scenario.github, scenario.head).get(0);
            var link = URI.create(status.targetUrl());
            assertThat(link.getHost()).isEqualTo("labgate.example");

            var answer = service.get(link.getPath());
            assertThat(answer.statusCode()).isEqualTo(200);
            var page = Jsoup.parse(answer.body());
            SafeHtml.assertSafe(answer.body(), page, false);
            assertThat(page.selectFirst("h1").text()).as("the pull request's title").isEqualTo("A change passed");
            assertThat(page.text()).contains("Passed on local.", "change 7", scenario.head,
                    "alice (the commit): alice has write access to acme/linux", "plan 'smoke'",
                    "Timeline of this run");
            assertThat(page.select("ol.timeline li").eachText()).anySatisfy(s -> assertThat(s).contains("submitted"))
                    .last().asString().contains("passed");
            await().atMost(Duration.ofSeconds(10)).until(() -> !scenario.github.comments(Scenario.REPO, 7).isEmpty());
            assertThat(scenario.github.comments(Scenario.REPO, 7)).singleElement()
                    .satisfies(c -> assertThat(c.body()).contains("[local](" + link + ")"));
        }
    }

    private static List<String> listed(String path) throws IOException {
        var answer = labgate.get(path);
        assertThat(answer.statusCode()).as(path).isEqualTo(200);
        var ids = new ArrayList<String>();
        JSON.readTree(answer.body()).get("runs").forEach(r -> ids.add(r.get("id").asText()));
        return ids;
    }
}
