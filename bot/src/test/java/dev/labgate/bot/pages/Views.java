package dev.labgate.bot.pages;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Run pages for rendering tests: a run in any state, its text fields open to hostile strings. */
final class Views {

    static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    static final String HEAD = "1f2e3d4c5b6a79881726354453627180a9b8c7d6";
    static final String NEWER = "9a8b7c6d5e4f30211203948576abcdefabcdef01";

    /** Strings that would become markup if any field were written without escaping. */
    static final String BRANCH = "refs/heads/<script>alert('branch')</script>";
    static final String MESSAGE = "Fix </pre><script>alert(\"message\")</script>\n\n\"><svg onload=alert(2)>";
    static final String TEST_PATH = "kunit.<b>bold</b>.test_&amp;";
    static final String EXCERPT = "</li><iframe src=javascript:alert(4)></iframe>";
    static final String NOTE = "<a href=//evil.example>click</a> & more";
    static final String WHO = "\"onmouseover=\"alert(6)";
    static final String HOSTILE_LOG_URL = "javascript:alert(5)";
    static final String CREDENTIALS_URL = "https://user:secret@lab.example/job/1";

    String id = "a1b2c3d4e5";
    String state = "passed";
    String note = "";
    String subject = "change 7";
    String fetchRef = "refs/pull/7/head";
    String labRunUrl = "https://lab.example/job/77";
    RunView.Commit commit = new RunView.Commit("mainline", "master", "v6.18-rc1-7-g1f2e3d4c5b6a", "Add hello");
    RunView.Approval approval;
    Instant waitingSince;
    final List<RunView.Decision> decisions = new ArrayList<>(List.of(
            new RunView.Decision(T0, "alice", "", "forge-permission", "trusted",
                    "alice has write access to acme/linux", "p1"),
            new RunView.Decision(T0, "alice", "local", "lab-tier", "trusted", "local is open to anyone", "p1")));
    final List<RunView.LabRow> labs = new ArrayList<>();
    final List<RunView.Step> timeline = new ArrayList<>();
    RunView.VerdictView verdict;
    RunView.CodeFindings code;
    String title = "";
    RunView.Baseline baseline = new RunView.Baseline("none", "Not compared: the policy asks for no baseline on local.",
            List.of());
    boolean log;
    final List<RunView.Shared> kcidb = new ArrayList<>();
    RunView.HeadLink newer;
    final List<RunView.HeadLink> previous = new ArrayList<>();
    boolean terminal = true;
    Instant submitted = T0.plusSeconds(5);
    Instant running = T0.plusSeconds(30);
    Instant finished = T0.plusSeconds(300);

    Views state(String newState, boolean isTerminal) {
        state = newState;
        terminal = isTerminal;
        return this;
    }

    RunView build() {
        var rows = new ArrayList<RunView.LabRow>();
        rows.add(new RunView.LabRow(id, "local", 0, List.of("smoke"), "plan 'smoke'", "", state, terminal, note,
                labRunUrl, T0, submitted, running, terminal ? finished : null, true));
        rows.addAll(labs);
        var steps = new ArrayList<RunView.Step>();
        steps.add(new RunView.Step(T0, "", "planned", ""));
        steps.addAll(timeline);
        return new RunView(id, "github:acme/linux", "github:acme/linux#7", subject, HEAD, "b".repeat(40), fetchRef,
                "local", state, terminal, note, 0, 1, "work-77", labRunUrl, T0, T0.plusSeconds(300), "d-1", commit,
                new RunView.Trust(waitingSince, approval, decisions), rows, steps, verdict, code, newer, previous,
                subject.startsWith("branch") ? "branch" : "change", title, baseline, log, kcidb);
    }

    static RunView.VerdictView verdict(String overall, String headline, Map<String, Long> counts,
                                       List<RunView.Finding> regressions, List<RunView.Finding> knownIssues,
                                       List<RunView.Finding> infraErrors) {
        return new RunView.VerdictView(overall, headline, new LinkedHashMap<>(counts), findings(regressions),
                RunView.Findings.NONE, RunView.Findings.NONE, RunView.Findings.NONE, RunView.Findings.NONE,
                findings(knownIssues), findings(infraErrors));
    }

    static RunView.Findings findings(List<RunView.Finding> all) {
        return new RunView.Findings(all.size(), all);
    }

    static RunView.Finding finding(String path, String status, String logUrl, String detail) {
        return new RunView.Finding(path, "labgate", "x86_64 defconfig", "qemu-x86", status, logUrl, detail, detail);
    }
}
