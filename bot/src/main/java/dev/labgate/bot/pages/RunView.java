package dev.labgate.bot.pages;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the page of one run shows: one change (or branch) at one head commit, seen from one of its
 * lab runs. The same record is the JSON at {@code /api/runs/<id>}. It carries nothing secret and
 * no raw payload: no clone URL (it may hold credentials), no webhook body, no KCIDB document.
 *
 * @param repo the repository with its forge, e.g. {@code github:acme/linux}
 * @param subject what is tested, in words: {@code change 7} or {@code branch refs/heads/staging}
 * @param commit what the lab's results say about the commit; null when there are none
 * @param trust the trust decisions about the head and this lab
 * @param labs every run of the head, one per lab and round (the test plan) in the order of its stages,
 *             this one included
 * @param timeline this run's state changes, oldest first
 * @param verdict this run's results; null until the lab has answered
 * @param code what tools said about lines of the source in this run's logs; null until the lab has answered
 * @param newer the newest head of the subject when it is not this one; null otherwise
 * @param previous the other heads of the subject, newest first
 * @param subjectKind {@code change}, {@code branch} or {@code base} (the base commit of changes, tested as their baseline)
 * @param title the change's title as the forge gave it; empty when unknown or for a branch
 * @param baseline what this run's results are compared with
 * @param log whether labgate serves this run's whole output at {@code /runs/<id>/log}
 * @param kcidb this run's results as submitted to KCIDB, one entry per submission; empty when not shared
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record RunView(String id, String repo, String subjectKey, String subject, String headSha, String baseSha,
                      String fetchRef, String lab, String state, boolean terminal, String note, int round, int attempt,
                      String labRunId, String labRunUrl, Instant createdAt, Instant updatedAt, String delivery,
                      Commit commit, Trust trust, List<LabRow> labs, List<Step> timeline, VerdictView verdict,
                      CodeFindings code, HeadLink newer, List<HeadLink> previous, String subjectKind, String title,
                      Baseline baseline, boolean log, List<Shared> kcidb) {

    public RunView {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(trust, "trust");
        labs = List.copyOf(labs);
        timeline = List.copyOf(timeline);
        previous = List.copyOf(previous);
        Objects.requireNonNull(subjectKind, "subjectKind");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(baseline, "baseline");
        kcidb = List.copyOf(kcidb);
    }

    /**
     * What the run's results are compared with.
     *
     * @param state {@code compared} (the base commit's results are in), {@code waiting} (the base commit is being
     *     tested), {@code none} (no baseline), or {@code base} (this run is itself the baseline of changes)
     * @param text the same in words
     * @param runs the runs of the base commit it comes from, or is waiting for
     */
    public record Baseline(String state, String text, List<RunLink> runs) {
        public Baseline {
            runs = List.copyOf(runs);
        }
    }

    /**
     * One submission of the run's results to KCIDB.
     *
     * @param state {@code inprogress}, {@code ready}, {@code processed}, {@code failed}, or {@code refused}
     *     (never received, with the reason)
     */
    public record Shared(String id, int objects, String state, String message) {
    }

    /** Whether any run of this head is still going, so the page is worth refreshing. */
    public boolean inProgress() {
        return labs.stream().anyMatch(l -> !l.terminal());
    }

    /**
     * The commit as a lab's KCIDB checkout described it; every field may be empty.
     *
     * @param message the commit message, cut to {@link RunViews#MAX_MESSAGE} characters
     */
    public record Commit(String treeName, String branch, String name, String message) {
    }

    /**
     * Why this head may (or may not yet) reach lab hardware.
     *
     * @param waitingSince when the head started to wait for a maintainer's approval; null if it never did
     * @param approval the approval of this head; null when it had none
     * @param decisions the audit's decisions about the commit and about this run's lab, oldest first
     */
    public record Trust(Instant waitingSince, Approval approval, List<Decision> decisions) {
        public Trust {
            decisions = List.copyOf(decisions);
        }
    }

    /**
     * @param carriedFrom the head whose approval carried over after a pure rebase; empty for a direct approval
     */
    public record Approval(String approver, Instant at, String policyVersion, String carriedFrom) {
    }

    /**
     * One trust decision from the audit.
     *
     * @param lab empty for the decision about the commit as a whole
     * @param outcome {@code trusted}, {@code needs-approval} or {@code rejected}
     */
    public record Decision(Instant at, String who, String lab, String rule, String outcome, String reason,
                           String policyVersion) {
    }

    /**
     * One run of the head: one entry of the test plan, with why it was chosen and where it is.
     *
     * @param why the plan rules (and matched paths) that chose the lab and tests; empty when not recorded
     * @param after the lab whose run must pass before this one starts; empty for a first stage
     * @param submitted when the lab last accepted the run; null before
     * @param running when the lab last said it was running the run; null before
     * @param finished when the run reached its terminal state; null before
     */
    public record LabRow(String runId, String lab, int round, List<String> tests, String why, String after, String state,
                         boolean terminal, String note, String labRunUrl, Instant planned, Instant submitted,
                         Instant running, Instant finished, boolean current) {
        public LabRow {
            tests = List.copyOf(tests);
        }
    }

    /** One state change; the first step is the run's creation ({@code from} is empty). */
    public record Step(Instant at, String from, String to, String note) {
    }

    /** Another head of the subject, with its runs. */
    public record HeadLink(String headSha, Instant at, List<RunLink> runs) {
        public HeadLink {
            runs = List.copyOf(runs);
        }
    }

    public record RunLink(String runId, String lab, int round, String state, String note) {
    }

    /**
     * The results of the run as the contributor reads them: regressions first, then the failures that
     * could not be compared, then those the base has too, then the rest; known issues and
     * infrastructure errors each apart.
     *
     * @param overall {@code pass}, {@code fail}, {@code pending} or {@code infra-error}
     * @param counts the number of tests per KCIDB status, highest priority first
     */
    public record VerdictView(String overall, String headline, Map<String, Long> counts, Findings regressions,
                              Findings notCompared, Findings stillFailing, Findings flaky, Findings fixes,
                              Findings knownIssues, Findings infraErrors) {
        public VerdictView {
            counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
        }

        public long tests() {
            return counts.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * Findings of one kind: all of them are counted, the first {@link RunViews#MAX_FINDINGS} shown.
     */
    public record Findings(int total, List<Finding> shown) {
        public Findings {
            shown = List.copyOf(shown);
        }

        public static final Findings NONE = new Findings(0, List.of());
    }

    /**
     * One test or build result worth a line.
     *
     * @param detail why it is listed: what went wrong in the log's own words, a known issue; may be empty
     * @param excerpt the failure's log excerpt (its diagnostics, the kernel's reports); may be empty
     */
    public record Finding(String path, String origin, String configuration, String platform, String status,
                          String logUrl, String detail, String excerpt) {
    }

    /**
     * Findings of tools (checkpatch, compilers, sparse, smatch, KTAP diagnostics) on lines of the
     * source, most severe first: all counted, the first {@link RunViews#MAX_FINDINGS} shown.
     *
     * @param compared whether the base was tested, so that these are only what it did not have
     */
    public record CodeFindings(boolean compared, int total, List<CodeFinding> shown) {
        public CodeFindings {
            shown = List.copyOf(shown);
        }
    }

    /** @param severity {@code error}, {@code warning} or {@code notice} */
    public record CodeFinding(String path, int line, int column, String severity, String tool, String message) {
    }
}
