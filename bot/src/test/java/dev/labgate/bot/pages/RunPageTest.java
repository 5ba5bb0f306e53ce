package dev.labgate.bot.pages;

import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The run page in every state a run can be in, each with hostile strings in its branch name,
 * commit message, test paths, log excerpts, notes and names: what the page says, and that none
 * of those strings becomes markup.
 */
class RunPageTest {

    private static final Layout LAYOUT = new Layout("");

    static Stream<Arguments> states() {
        return Stream.of(
                arguments("queued: the lab's queue position is shown and the page reloads itself", (Supplier<Views>) () -> {
                    var v = new Views().state("submitted", false);
                    v.note = "Queued on local (position 3) " + Views.NOTE;
                    v.running = null;
                    return v;
                }, List.of("Submitted to local; waiting for the lab to start it.", "Queued on local (position 3)",
                        "No results yet.", "reloads itself"), true),
                arguments("running: says where it runs and when it started", (Supplier<Views>) () -> {
                    var v = new Views().state("running", false);
                    v.note = Views.NOTE;
                    v.timeline.add(new RunView.Step(Views.T0.plusSeconds(5), "planned", "submitted", ""));
                    v.timeline.add(new RunView.Step(Views.T0.plusSeconds(30), "submitted", "running", Views.NOTE));
                    return v;
                }, List.of("Running on local.", "2026-11-24 10:00:30 UTC", "(+30s)"), true),
                arguments("passed: the verdict and the counts, no reload", (Supplier<Views>) () -> {
                    var v = new Views();
                    v.verdict = Views.verdict("pass", "12 tests passed", Map.of("PASS", 12L, "SKIP", 2L), List.of(),
                            List.of(), List.of());
                    return v;
                }, List.of("Passed on local.", "12 tests passed", "14 tests:", "12 PASS", "2 SKIP"), false),
                arguments("failed with regressions: the regressions first, with links to their logs", (Supplier<Views>) () -> {
                    var v = new Views().state("failed", true);
                    v.note = "2 failures: " + Views.TEST_PATH;
                    v.verdict = Views.verdict("fail", "2 failures: " + Views.TEST_PATH, Map.of("FAIL", 2L, "PASS", 40L),
                            List.of(Views.finding(Views.TEST_PATH, "FAIL", "https://lab.example/log/1", Views.EXCERPT),
                                    Views.finding("kunit.second", "FAIL", Views.HOSTILE_LOG_URL, "")),
                            List.of(Views.finding("kunit.known", "FAIL", null, "known issue KI-1")),
                            List.of(Views.finding("boot", "ERROR", null, "")));
                    return v;
                }, List.of("Failed on local: a test found a problem in the code.", "Regressions (2)", Views.TEST_PATH,
                        Views.EXCERPT, "Known issues (1)", "Infrastructure errors (1)"), false),
                arguments("known issue only: the known issue is apart and does not fail the run", (Supplier<Views>) () -> {
                    var v = new Views();
                    v.verdict = Views.verdict("pass", "40 tests passed", Map.of("FAIL", 1L, "PASS", 40L), List.of(),
                            List.of(Views.finding(Views.TEST_PATH, "FAIL", "https://lab.example/log/9",
                                    "matches KI-7: " + Views.EXCERPT)), List.of());
                    return v;
                }, List.of("Passed on local.", "Known issues (1)", "they do not fail the check",
                        "matches KI-7: " + Views.EXCERPT), false),
                arguments("infrastructure error: nothing is known about the code, the errors apart", (Supplier<Views>) () -> {
                    var v = new Views().state("errored", true);
                    v.note = "infrastructure error in boot; nothing is known about the code";
                    v.verdict = Views.verdict("infra-error", "infrastructure error in boot", Map.of("ERROR", 1L),
                            List.of(), List.of(), List.of(Views.finding("boot", "ERROR", Views.CREDENTIALS_URL,
                                    Views.EXCERPT)));
                    return v;
                }, List.of("Infrastructure error on local", "nothing is known about the code",
                        "Infrastructure errors (1)"), false),
                arguments("superseded: says a newer head exists and links to its run", (Supplier<Views>) () -> {
                    var v = new Views().state("cancelled", true);
                    v.note = "superseded by 9a8b7c6d5e4f";
                    v.newer = new RunView.HeadLink(Views.NEWER, Views.T0.plusSeconds(600),
                            List.of(new RunView.RunLink("n3w3r00001", "local", 0, "running", "")));
                    v.previous.add(v.newer);
                    return v;
                }, List.of("Cancelled: this run will not report results.", "A newer head of this branch exists",
                        "9a8b7c6d5e4f", "its local run", "(newest)"), false),
                arguments("awaiting approval: tells who can approve the commit and how", (Supplier<Views>) () -> {
                    var v = new Views().state("awaiting-approval", false);
                    v.submitted = null;
                    v.running = null;
                    v.waitingSince = Views.T0;
                    v.decisions.clear();
                    v.decisions.add(new RunView.Decision(Views.T0, Views.WHO, "", "forge-permission", "needs-approval",
                            Views.WHO + " has read access only; a maintainer can comment /labgate ok-to-test", "p1"));
                    return v;
                }, List.of("Waiting for a maintainer's approval", "/labgate ok-to-test",
                        "Waiting since 2026-11-24 10:00:00 UTC", Views.WHO), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("states")
    void every_state_reads_well_and_nothing_from_outside_becomes_markup(String sentence, Supplier<Views> make,
                                                                        List<String> says, boolean reloads) {
        var views = make.get();
        views.subject = "branch " + Views.BRANCH;
        views.fetchRef = Views.BRANCH;
        views.commit = new RunView.Commit("<i>tree</i>", Views.BRANCH, "v6.18", Views.MESSAGE);
        views.labRunUrl = Views.CREDENTIALS_URL;
        var html = RunPage.render(views.build(), LAYOUT);
        var page = Jsoup.parse(html);

        assertThat(page.text()).contains(says.stream().map(s -> s.replace("\n", " ")).toList());
        SafeHtml.assertSafe(html, page, reloads);
        assertThat(page.text()).contains(Views.BRANCH, "Fix </pre><script>alert(\"message\")</script>");
        assertThat(page.select("pre").text()).contains("\"><svg onload=alert(2)>");
    }

    @Test
    void regressions_come_before_the_other_findings_and_known_issues_and_infrastructure_errors_stand_apart() {
        var views = new Views().state("failed", true);
        views.verdict = Views.verdict("fail", "1 failure", Map.of("FAIL", 2L, "ERROR", 1L),
                List.of(Views.finding("kunit.regressed", "FAIL", "https://lab.example/log/1", "expected 1, got 2")),
                List.of(Views.finding("kunit.known", "FAIL", null, "KI-1")),
                List.of(Views.finding("boot", "ERROR", null, "")));
        var page = Jsoup.parse(RunPage.render(views.build(), LAYOUT));

        var headings = page.select("h2, h3").eachText();
        assertThat(headings).containsSubsequence("Results", "Regressions (1)", "Known issues (1)",
                "Infrastructure errors (1)", "Labs at this head", "Trust", "Timeline of this run", "Details");
        var regression = page.selectFirst("#regressions + p + ul li");
        assertThat(regression.text()).contains("kunit.regressed", "x86_64 defconfig", "qemu-x86", "expected 1, got 2");
        assertThat(regression.selectFirst("a").attr("href")).isEqualTo("https://lab.example/log/1");
        assertThat(page.select("#known-issues + p + ul li").text()).contains("kunit.known");
        assertThat(page.select("#infrastructure + p + ul li").text()).contains("boot");
    }

    @Test
    void findings_in_the_code_follow_the_results_most_severe_first_and_their_text_stays_text() {
        var views = new Views().state("failed", true);
        views.verdict = Views.verdict("fail", "1 failure", Map.of("FAIL", 1L), List.of(), List.of(), List.of());
        views.code = new RunView.CodeFindings(false, 3, List.of(
                new RunView.CodeFinding("drivers/a.c", 12, 0, "error", "checkpatch", "SPACING: <b>space</b> required"),
                new RunView.CodeFinding("drivers/a.c", 40, 7, "warning", "sparse",
                        "incorrect type in argument 2\nexpected void *\ngot int")));
        var html = RunPage.render(views.build(), LAYOUT);
        var page = Jsoup.parse(html);
        assertThat(page.select("h2").eachText()).containsSubsequence("Results", "Findings in the code (3)",
                "Labs at this head");
        assertThat(page.select("#code + p").text()).contains("Its base was not tested");
        var items = page.select("#code + p + ul li");
        assertThat(items.get(0).text()).contains("drivers/a.c:12", "error", "checkpatch", "SPACING: <b>space</b> required");
        assertThat(items.get(1).selectFirst("code").text()).isEqualTo("drivers/a.c:40:7");
        assertThat(items.get(1).selectFirst(".detail").wholeText()).contains("expected void *\ngot int");
        assertThat(page.text()).contains("Showing the first 2 of 3");
        SafeHtml.assertSafe(html, page, false);
    }

    @Test
    void the_plan_shows_each_lab_with_why_it_ran_and_its_times_and_links_the_other_labs() {
        var views = new Views();
        views.labs.add(new RunView.LabRow("k3rn3lc100", "kernelci", 0, List.of("baseline", "kselftest"),
                "plan 'arm64' (touches arch/arm64/Kconfig)", "local", "running", false, "", "", Views.T0,
                Views.T0.plusSeconds(20), Views.T0.plusSeconds(90), null, false));
        var page = Jsoup.parse(RunPage.render(views.build(), LAYOUT));

        var rows = page.select("#plan ~ div table tbody tr");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).text()).contains("local", "(this run)", "plan 'smoke'", "smoke",
                "2026-11-24 10:05:00 UTC");
        assertThat(rows.get(1).text()).contains("kernelci", "after local", "plan 'arm64' (touches arch/arm64/Kconfig)",
                "baseline, kselftest", "2026-11-24 10:01:30 UTC");
        assertThat(rows.get(0).text()).as("a first stage runs after nothing").doesNotContain("after");
        assertThat(rows.get(1).selectFirst("a").attr("href")).isEqualTo("/runs/k3rn3lc100");
        assertThat(page.select("script")).as("a head with a running lab reloads").hasSize(1);
    }

    @Test
    void an_approval_carried_over_a_rebase_names_the_approver_and_the_earlier_head() {
        var views = new Views();
        views.approval = new RunView.Approval("bob", Views.T0, "p2", Views.NEWER);
        var page = Jsoup.parse(RunPage.render(views.build(), LAYOUT));
        assertThat(page.select("#trust ~ p").first().text()).isEqualTo("Approved by bob at 2026-11-24 10:00:00 UTC, "
                + "carried over from the approval of 9a8b7c6d5e4f because this head is a pure rebase of it (policy p2).");
        assertThat(page.select("#trust ~ ul").first().text()).contains("alice (the commit): alice has write access",
                "rule forge-permission");
    }

    @Test
    void links_under_a_path_prefix_keep_the_prefix() {
        var views = new Views();
        views.previous.add(new RunView.HeadLink(Views.NEWER, Views.T0, List.of(new RunView.RunLink("0ld0ld0ld0",
                "local", 0, "cancelled", ""))));
        var page = Jsoup.parse(RunPage.render(views.build(), new Layout("/labgate/")));
        assertThat(page.select("a[href^=/]").eachAttr("href")).contains("/labgate/runs", "/labgate/labs",
                "/labgate/runs/0ld0ld0ld0").allMatch(h -> h.startsWith("/labgate/"));
    }

    @Test
    void a_run_list_and_the_labs_page_escape_what_they_show_too() {
        var list = new RunListView("github:" + Views.TEST_PATH, "failed", Views.WHO, 50, List.of(new RunListView.Row(
                "a1b2c3d4e5", "github:acme/linux", "branch " + Views.BRANCH, Views.HEAD, "local", 0, "failed", true,
                Views.NOTE, Views.WHO, Views.T0, Views.T0)));
        var html = RunListPage.render(list, LAYOUT);
        var page = Jsoup.parse(html);
        SafeHtml.assertSafe(html, page, false);
        assertThat(page.text()).contains(Views.BRANCH, Views.NOTE, Views.WHO);
        assertThat(page.selectFirst("input[name=author]").attr("value")).isEqualTo(Views.WHO);
        assertThat(page.selectFirst("option[selected]").text()).isEqualTo("failed");

        var labs = new LabsView(Views.T0, List.of(new LabsView.Lab("<b>lab</b>", "kernelci", true,
                Views.HOSTILE_LOG_URL, 0, 2, 1, 4, 1, 1, 2, 0.5, false, "2 of 4 runs <i>ended</i> badly")));
        var labsHtml = LabsPage.render(labs, LAYOUT);
        var labsPage = Jsoup.parse(labsHtml);
        SafeHtml.assertSafe(labsHtml, labsPage, false);
        assertThat(labsPage.text()).contains("<b>lab</b>", "unhealthy", "2 of 4 runs <i>ended</i> badly", "50 %");
    }
}
