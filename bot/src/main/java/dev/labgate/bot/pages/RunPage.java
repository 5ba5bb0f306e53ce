package dev.labgate.bot.pages;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The page of one run ({@code /runs/<id>}): where the run is and what it found first, then the
 * other labs of the head (the test plan and why each ran), the trust decision, the run's timeline,
 * the details, and the other heads of the change.
 */
final class RunPage {

    private RunPage() {
    }

    static String render(RunView run, Layout layout) {
        var html = layout.open(run.lab() + " " + run.state() + " · " + run.repo() + " " + run.subject() + " at "
                + Html.shortSha(run.headSha()), Layout.Section.RUNS, run.inProgress(), 16_384
                + (run.verdict() == null ? 0 : 600 * shownFindings(run.verdict()))
                + (run.code() == null ? 0 : 1_400 * run.code().shown().size()));
        html.raw("<h1>").text(run.title().isEmpty() ? run.lab() : run.title()).raw(" ").raw(badge(run.state()))
                .raw("</h1><p class=\"muted\">").text(run.repo()).raw(" · ").text(run.subject()).raw(" · ")
                .text(run.lab()).raw(" · head <code>").text(Html.shortSha(run.headSha())).raw("</code></p>");
        status(html, run, layout);
        verdict(html, run, layout);
        baseline(html, run, layout);
        code(html, run);
        labs(html, run, layout);
        trust(html, run);
        timeline(html, run);
        details(html, run);
        previous(html, run, layout);
        return layout.close(html);
    }

    private static int shownFindings(RunView.VerdictView v) {
        return v.regressions().shown().size() + v.notCompared().shown().size() + v.flaky().shown().size()
                + v.fixes().shown().size() + v.knownIssues().shown().size() + v.infraErrors().shown().size();
    }

    /** A state as a badge: the word itself carries the meaning; the colour only repeats it. */
    static String badge(String state) {
        return badge(state, state);
    }

    /** A word as a badge coloured like {@code state}. */
    private static String badge(String state, String word) {
        return "<span class=\"state " + Html.escape(state) + "\">" + Html.escape(word) + "</span>";
    }

    private static void status(Html html, RunView run, Layout layout) {
        var alert = run.state().equals("awaiting-approval") || run.newer() != null;
        html.raw(alert ? "<section class=\"box alert\" aria-label=\"status\">" : "<section class=\"box\" aria-label=\"status\">");
        html.raw("<p><strong>").text(explain(run)).raw("</strong></p>");
        if (!run.note().isEmpty()) {
            html.raw("<p>").text(run.note()).raw("</p>");
        }
        if (run.state().equals("awaiting-approval")) {
            html.raw("<p>A maintainer approves this commit by commenting <code>/labgate ok-to-test</code> on the change. ")
                    .raw("Only this head is approved; a new push waits again unless it is a pure rebase.</p>");
            if (run.trust().waitingSince() != null) {
                html.raw("<p class=\"muted\">Waiting since ").time(run.trust().waitingSince()).raw(".</p>");
            }
        }
        if (run.newer() != null) {
            var newer = run.newer();
            html.raw("<p>A newer head of this ").text(run.subjectKind())
                    .raw(" exists: <code>").text(Html.shortSha(newer.headSha())).raw("</code>");
            var same = newer.runs().stream().filter(r -> r.lab().equals(run.lab())).findFirst()
                    .or(() -> newer.runs().stream().findFirst());
            same.ifPresent(r -> html.raw(" (").local(layout.run(r.runId()), "its " + r.lab() + " run").raw(")"));
            html.raw(". The results of this head are not reported to the forge.</p>");
        }
        if (run.log() && run.labRunId().length() > 0) {
            html.raw("<p>The whole output: ").local(layout.run(run.id()) + "/log", "log").raw(".</p>");
        }
        if (run.inProgress()) {
            html.raw("<p class=\"muted\">This page reloads itself every ").text(Layout.REFRESH_SECONDS)
                    .raw(" seconds while a run of this head is in progress.</p>");
        }
        html.raw("</section>");
    }

    private static String explain(RunView run) {
        var lab = run.lab();
        return switch (run.state()) {
            case "awaiting-approval" -> "Waiting for a maintainer's approval before this commit may use lab hardware.";
            case "planned" -> "Planned: about to be submitted to " + lab + ".";
            case "waiting" -> "Waiting for the stage before it to pass, before it is submitted to " + lab + ".";
            case "submitted" -> "Submitted to " + lab + "; waiting for the lab to start it.";
            case "running" -> "Running on " + lab + ".";
            case "passed" -> "Passed on " + lab + ".";
            case "failed" -> "Failed on " + lab + ": a test found a problem in the code.";
            case "errored" -> "Infrastructure error on " + lab
                    + ": the lab, a test or the harness broke; nothing is known about the code.";
            case "timed-out" -> "Timed out: no answer from " + lab + " in time; nothing is known about the code.";
            case "cancelled" -> "Cancelled: this run will not report results.";
            case "skipped" -> "Not run, because the stage before it did not pass; nothing is known about " + lab + ".";
            default -> run.state();
        };
    }

    private static void verdict(Html html, RunView run, Layout layout) {
        html.raw("<h2 id=\"results\">Results</h2>");
        var v = run.verdict();
        if (v == null) {
            html.raw("<p class=\"muted\">").text(run.terminal() ? "The lab returned no results." : "No results yet.")
                    .raw("</p>");
            return;
        }
        html.raw("<p>").raw(badge(v.overall())).raw(" ").text(v.headline());
        var named = v.regressions().total() + v.notCompared().total() == 1
                ? (v.regressions().total() == 1 ? v.regressions() : v.notCompared()).shown() : List.<RunView.Finding>of();
        if (named.size() == 1 && Html.linkable(named.get(0).logUrl())) {
            html.raw(" (").link(named.get(0).logUrl(), "log", false).raw(")");
        } else if (named.size() == 1 && run.log()) {
            html.raw(" (").local(layout.run(run.id()) + "/log", "log").raw(")");
        }
        html.raw("</p>");
        if (!v.counts().isEmpty()) {
            html.raw("<p>").text(v.tests()).raw(v.tests() == 1 ? " test: " : " tests: ");
            var first = true;
            for (Map.Entry<String, Long> count : v.counts().entrySet()) {
                html.raw(first ? "" : " · ").text(count.getValue()).raw(" ").text(count.getKey());
                first = false;
            }
            html.raw("</p>");
        }
        findings(html, "regressions", "Regressions", "Failing here, passing (or absent) on the baseline: "
                + "these fail the check.", v.regressions());
        findings(html, "failures", "Failures not compared", "Failing here; there was no baseline to tell whether "
                + "they are new.", v.notCompared());
        findings(html, "still-failing", "Failing on the base too", "Failing here and on the base commit: not "
                + "this change's doing.", v.stillFailing());
        findings(html, "flaky", "Flaky", "Both passed and failed on this head (or on the base).", v.flaky());
        findings(html, "known-issues", "Known issues", "Failures that match a known issue: they do not fail "
                + "the check.", v.knownIssues());
        findings(html, "infrastructure", "Infrastructure errors", "The test or the harness broke (ERROR, MISS): "
                + "nothing is known about the code.", v.infraErrors());
        findings(html, "fixes", "Fixes", "Failing on the baseline, passing here.", v.fixes());
    }

    private static void findings(Html html, String id, String title, String meaning, RunView.Findings findings) {
        if (findings.total() == 0) {
            return;
        }
        html.raw("<h3 id=\"").raw(id).raw("\">").text(title).raw(" (").text(findings.total()).raw(")</h3>")
                .raw("<p class=\"muted\">").text(meaning).raw("</p><ul class=\"findings\">");
        for (var f : findings.shown()) {
            html.raw("<li><code>").text(f.path().isEmpty() ? "(root)" : f.path()).raw("</code> ")
                    .raw(badge(f.status().toLowerCase(Locale.ROOT))).raw(" <span class=\"muted\">");
            var sep = "";
            for (var part : List.of(f.configuration(), f.platform(), f.origin())) {
                if (!part.isEmpty()) {
                    html.raw(sep).text(part);
                    sep = " · ";
                }
            }
            html.raw("</span>");
            if (Html.linkable(f.logUrl())) {
                html.raw(" · ").link(f.logUrl(), "log", false);
            }
            if (!f.detail().isEmpty()) {
                html.raw("<span class=\"detail\">").text(f.detail()).raw("</span>");
            }
            if (!f.excerpt().isBlank()) {
                html.raw("<details><summary>log excerpt</summary><pre>").text(f.excerpt()).raw("</pre></details>");
            }
            html.raw("</li>");
        }
        html.raw("</ul>");
        if (findings.total() > findings.shown().size()) {
            html.raw("<p class=\"muted\">Showing the first ").text(findings.shown().size()).raw(" of ")
                    .text(findings.total()).raw("; the lab's own page has them all.</p>");
        }
    }

    private static void code(Html html, RunView run) {
        var code = run.code();
        if (code == null || code.total() == 0) {
            return;
        }
        html.raw("<h2 id=\"code\">Findings in the code (").text(code.total()).raw(")</h2>")
                .raw("<p class=\"muted\">What checkpatch, the compilers, sparse, smatch and KTAP diagnostics said about ")
                .raw("lines of the source in this run's logs").text(code.compared() ? ", less what its base already had."
                        : ". Its base was not tested: some may be older than the change.")
                .raw(" On a pull or merge request, labgate comments on the lines of the change.</p>")
                .raw("<ul class=\"findings\">");
        for (var f : code.shown()) {
            html.raw("<li><code>").text(f.path() + ":" + f.line() + (f.column() > 0 ? ":" + f.column() : ""))
                    .raw("</code> ").raw(badge(switch (f.severity()) {
                        case "error" -> "failed";
                        case "warning" -> "errored";
                        default -> "pending";
                    }, f.severity())).raw(" <span class=\"muted\">").text(f.tool()).raw("</span>")
                    .raw("<span class=\"detail lines\">").text(f.message()).raw("</span></li>");
        }
        html.raw("</ul>");
        if (code.total() > code.shown().size()) {
            html.raw("<p class=\"muted\">Showing the first ").text(code.shown().size()).raw(" of ")
                    .text(code.total()).raw(".</p>");
        }
    }

    /** What the results are compared with, and the runs of the base commit behind it. */
    private static void baseline(Html html, RunView run, Layout layout) {
        var b = run.baseline();
        html.raw("<h3 id=\"baseline\">Baseline</h3><p>").text(b.text());
        if (!b.runs().isEmpty()) {
            html.raw(" ").text(b.state().equals("base") ? "Waiting for it: " : "Base runs: ");
            var sep = "";
            for (var r : b.runs()) {
                html.raw(sep).local(layout.run(r.runId()), r.lab() + (r.round() > 0 ? " (round " + r.round() + ")" : ""))
                        .raw(" ").raw(badge(r.state()));
                sep = " · ";
            }
            html.raw(".");
        }
        html.raw("</p>");
    }

    private static void labs(Html html, RunView run, Layout layout) {
        html.raw("<h2 id=\"plan\">Labs at this head</h2>")
                .raw("<p class=\"muted\">The test plan for this commit, stage after stage: each lab, the tests it was ")
                .raw("asked to run and why the policy chose it.</p><div class=\"scroll\"><table class=\"cards\"><thead><tr>")
                .raw("<th scope=\"col\">lab</th><th scope=\"col\">state</th><th scope=\"col\">why</th>")
                .raw("<th scope=\"col\">tests</th><th scope=\"col\">planned</th><th scope=\"col\">submitted</th>")
                .raw("<th scope=\"col\">running</th><th scope=\"col\">finished</th></tr></thead><tbody>");
        for (var row : run.labs()) {
            html.raw(row.current() ? "<tr class=\"current\">" : "<tr>").raw("<td data-label=\"lab\">");
            var label = row.lab() + (row.round() > 0 ? " (round " + row.round() + ")" : "");
            if (row.current()) {
                html.raw("<strong>").text(label).raw("</strong> <span class=\"muted\">(this run)</span>");
            } else {
                html.local(layout.run(row.runId()), label);
            }
            if (!row.after().isEmpty()) {
                html.raw("<br><span class=\"muted\">after ").text(row.after()).raw("</span>");
            }
            if (Html.linkable(row.labRunUrl())) {
                html.raw("<br>").link(row.labRunUrl(), "lab's page", false);
            }
            html.raw("</td><td data-label=\"state\">").raw(badge(row.state()));
            if (!row.note().isEmpty()) {
                html.raw("<span class=\"detail\">").text(row.note()).raw("</span>");
            }
            html.raw("</td><td data-label=\"why\">").text(row.why().isEmpty() ? "not recorded" : row.why())
                    .raw("</td><td data-label=\"tests\">")
                    .text(row.tests().isEmpty() ? "the lab's default" : String.join(", ", row.tests()))
                    .raw("</td><td data-label=\"planned\">").time(row.planned())
                    .raw("</td><td data-label=\"submitted\">").time(row.submitted())
                    .raw("</td><td data-label=\"running\">").time(row.running())
                    .raw("</td><td data-label=\"finished\">").time(row.finished()).raw("</td></tr>");
        }
        html.raw("</tbody></table></div>");
    }

    private static void trust(Html html, RunView run) {
        html.raw("<h2 id=\"trust\">Trust</h2>");
        var trust = run.trust();
        if (trust.approval() != null) {
            var a = trust.approval();
            html.raw("<p>Approved by <strong>").text(a.approver()).raw("</strong> at ").time(a.at());
            if (!a.carriedFrom().isEmpty()) {
                html.raw(", carried over from the approval of <code>").text(Html.shortSha(a.carriedFrom()))
                        .raw("</code> because this head is a pure rebase of it");
            }
            html.raw(" (policy ").text(a.policyVersion()).raw(").</p>");
        }
        if (trust.decisions().isEmpty()) {
            html.raw("<p class=\"muted\">No trust decision is recorded for this head.</p>");
            return;
        }
        html.raw("<ul class=\"findings\">");
        for (var d : trust.decisions()) {
            html.raw("<li>").raw(badge(d.outcome())).raw(" <strong>").text(d.who()).raw("</strong>")
                    .text(d.lab().isEmpty() ? " (the commit)" : " on lab " + d.lab()).raw(": ").text(d.reason())
                    .raw("<span class=\"detail\">rule <code>").text(d.rule()).raw("</code> · policy ")
                    .text(d.policyVersion()).raw(" · ").time(d.at()).raw("</span></li>");
        }
        html.raw("</ul>");
    }

    private static void timeline(Html html, RunView run) {
        html.raw("<h2 id=\"timeline\">Timeline of this run</h2><ol class=\"timeline\">");
        var start = run.timeline().get(0).at();
        for (var step : run.timeline()) {
            html.raw("<li>").time(step.at());
            if (step.from().isEmpty()) {
                html.raw(" created as ").raw(badge(step.to()));
            } else {
                html.raw(" <span class=\"muted\">(+").text(Html.duration(start, step.at())).raw(")</span> ")
                        .raw(badge(step.from())).raw(" → ").raw(badge(step.to()));
            }
            if (!step.note().isEmpty()) {
                html.raw("<span class=\"detail\">").text(step.note()).raw("</span>");
            }
            html.raw("</li>");
        }
        html.raw("</ol>");
    }

    private static void details(Html html, RunView run) {
        html.raw("<h2 id=\"details\">Details</h2><dl class=\"facts\">");
        fact(html, "repository", run.repo());
        fact(html, "subject", run.subject());
        html.raw("<dt>head</dt><dd><code>").text(run.headSha()).raw("</code></dd>");
        if (!run.baseSha().isEmpty()) {
            html.raw("<dt>base</dt><dd><code>").text(run.baseSha()).raw("</code></dd>");
        }
        html.raw("<dt>fetched from</dt><dd><code>").text(run.fetchRef()).raw("</code></dd>");
        var commit = run.commit();
        if (commit != null) {
            if (!commit.treeName().isEmpty()) {
                fact(html, "tree", commit.treeName());
            }
            if (!commit.branch().isEmpty()) {
                html.raw("<dt>branch</dt><dd><code>").text(commit.branch()).raw("</code></dd>");
            }
            if (!commit.name().isEmpty()) {
                fact(html, "describe", commit.name());
            }
        }
        fact(html, "lab", run.lab());
        if (!run.labRunId().isEmpty()) {
            html.raw("<dt>lab's id</dt><dd><code>").text(run.labRunId()).raw("</code>");
            if (Html.linkable(run.labRunUrl())) {
                html.raw(" · ").link(run.labRunUrl(), "the lab's page", false);
            }
            html.raw("</dd>");
        }
        fact(html, "round", Integer.toString(run.round()));
        fact(html, "attempts", Integer.toString(run.attempt()));
        html.raw("<dt>created</dt><dd>").time(run.createdAt()).raw("</dd><dt>updated</dt><dd>").time(run.updatedAt())
                .raw("</dd>");
        fact(html, "run id", run.id());
        if (!run.delivery().isEmpty()) {
            fact(html, "delivery", run.delivery());
        }
        html.raw("</dl>");
        if (!run.kcidb().isEmpty()) {
            html.raw("<h3 id=\"kcidb\">Shared with KCIDB</h3><ul class=\"findings\">");
            for (var shared : run.kcidb()) {
                html.raw("<li>").raw(badge(shared.state()));
                if (!shared.id().isEmpty()) {
                    html.raw(" submission <code>").text(shared.id()).raw("</code>, ").text(shared.objects())
                            .raw(" objects");
                }
                if (!shared.message().isEmpty()) {
                    html.raw("<span class=\"detail\">").text(shared.message()).raw("</span>");
                }
                html.raw("</li>");
            }
            html.raw("</ul>");
        }
        if (commit != null && !commit.message().isEmpty()) {
            html.raw("<h3>Commit message</h3><pre>").text(commit.message()).raw("</pre>");
        }
    }

    private static void fact(Html html, String name, String value) {
        html.raw("<dt>").text(name).raw("</dt><dd>").text(value).raw("</dd>");
    }

    private static void previous(Html html, RunView run, Layout layout) {
        html.raw("<h2 id=\"heads\">").text(run.subjectKind().equals("base") ? "Other base commits"
                : "Other heads of this " + run.subjectKind()).raw("</h2>");
        if (run.previous().isEmpty()) {
            html.raw("<p class=\"muted\">None: this is the only head labgate has seen.</p>");
            return;
        }
        html.raw("<ul class=\"findings\">");
        for (var head : run.previous()) {
            html.raw("<li><code>").text(Html.shortSha(head.headSha())).raw("</code> ").time(head.at())
                    .raw(head.headSha().equals(run.newer() == null ? "" : run.newer().headSha()) ? " (newest)" : "")
                    .raw("<span class=\"detail\">");
            var sep = "";
            for (var r : head.runs()) {
                html.raw(sep).local(layout.run(r.runId()), r.lab() + (r.round() > 0 ? " (round " + r.round() + ")" : ""))
                        .raw(" ").raw(badge(r.state()));
                sep = " · ";
            }
            html.raw("</span></li>");
        }
        html.raw("</ul>");
    }
}
