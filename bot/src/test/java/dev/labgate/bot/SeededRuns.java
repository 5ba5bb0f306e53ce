package dev.labgate.bot;

import dev.labgate.bot.store.Database;
import dev.labgate.bot.store.JdbcApprovalStore;
import dev.labgate.bot.store.JdbcAuditLog;
import dev.labgate.bot.store.JdbcResultStore;
import dev.labgate.bot.store.JdbcRunStore;
import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.Person;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.event.Subject;
import dev.labgate.core.kcidb.Build;
import dev.labgate.core.kcidb.Checkout;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.kcidb.Test;
import dev.labgate.core.lab.LabRun;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;
import dev.labgate.core.trust.ApprovalRequest;
import dev.labgate.core.trust.AuditEntry;
import dev.labgate.core.trust.TrustDecision;
import dev.labgate.testkit.TestClock;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A few runs written straight into labgate's database through its stores, the way the flow leaves
 * them: a change with an older head that was superseded and a newer head that failed on one lab
 * while another still runs, a change waiting for approval, and a staging branch that passed. Its
 * text carries hostile strings where contributors control text (branch, commit message, test path,
 * log excerpt).
 */
final class SeededRuns {

    static final RepoRef REPO = new RepoRef("github", "acme/linux");
    static final Subject CHANGE = new Subject.Change(new ChangeRef(REPO, 7));
    static final Subject WAITING = new Subject.Change(new ChangeRef(REPO, 8));
    static final Subject STAGING = new Subject.Branch(REPO, "refs/heads/staging-<b>x</b>");
    static final String OLD_HEAD = "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567";
    static final String HEAD = "1f2e3d4c5b6a79881726354453627180a9b8c7d6";
    static final String WAITING_HEAD = "2222222222222222222222222222222222222222";
    static final String STAGING_HEAD = "3333333333333333333333333333333333333333";
    static final String HOSTILE_PATH = "kselftest.<img src=x onerror=alert(1)>.net";
    static final String HOSTILE_EXCERPT = "</li><script>alert('log')</script>";
    static final String HOSTILE_WARNING = "drivers/net/phy/acme.c:12:5: warning: unused variable "
            + "'</li><script>alert(\\'gcc\\')</script>' [-Wunused-variable]";
    static final String HOSTILE_MESSAGE = "net: fix </pre><script>alert('commit')</script>";
    static final String CLONE_URL = "https://x-access-token:never-shown@git.example/acme/linux.git";

    /** The ids of the runs written. */
    record Ids(String superseded, String failed, String running, String waiting, String passed) {
    }

    private final Instant start;
    private final TestClock clock;
    private final JdbcRunStore runs;
    private final JdbcResultStore results;
    private final JdbcAuditLog audit;
    private final JdbcApprovalStore approvals;

    private SeededRuns(Database db, Instant start) {
        this.start = start;
        this.clock = new TestClock(start);
        this.runs = new JdbcRunStore(db, clock);
        this.results = new JdbcResultStore(db, clock);
        this.audit = new JdbcAuditLog(db);
        this.approvals = new JdbcApprovalStore(db);
    }

    static Ids seed(Database db, Instant start) {
        return new SeededRuns(db, start).seed();
    }

    private Ids seed() {
        var superseded = run("5up3r5ed00", CHANGE, OLD_HEAD, "local", RunState.PLANNED, 0, "plan 'smoke'");
        trusted(CHANGE, OLD_HEAD, "alice", superseded);
        move(superseded, RunState.PLANNED, RunState.SUBMITTED, "", 1, 2);
        move(superseded, RunState.SUBMITTED, RunState.CANCELLED, "superseded by " + HEAD.substring(0, 12), 1, 4);

        var failed = run("fa11ed0001", CHANGE, HEAD, "local", RunState.PLANNED, 5, "plan 'smoke'");
        var running = run("runn1ng001", CHANGE, HEAD, "qemu-arm64", RunState.PLANNED, 5,
                "plan 'arm64' (touches arch/arm64/Kconfig)");
        trusted(CHANGE, HEAD, "alice", failed, running);
        move(failed, RunState.PLANNED, RunState.SUBMITTED, "", 1, 6);
        move(failed, RunState.SUBMITTED, RunState.RUNNING, "", 1, 7);
        results.save(failed.id(), results(failed.id()));
        move(failed, RunState.RUNNING, RunState.FAILED, "2 failures: " + HOSTILE_PATH + ", …", 1, 15);
        move(running, RunState.PLANNED, RunState.SUBMITTED, "", 1, 6);
        move(running, RunState.SUBMITTED, RunState.RUNNING, "booting on rk3399-rock-pi-4b", 1, 9);

        var waiting = run("wa1t1ng001", WAITING, WAITING_HEAD, "local", RunState.AWAITING_APPROVAL, 20,
                "plan 'smoke'");
        clock.set(start.plus(Duration.ofMinutes(20)));
        audit.record(new AuditEntry("audit-w", clock.instant(), REPO, WAITING.key(), WAITING_HEAD,
                new Person("mallory"), "", "", "forge-permission", TrustDecision.Outcome.NEEDS_APPROVAL,
                "mallory has read access to acme/linux; a maintainer can comment /labgate ok-to-test", "p1", "d-w"));
        audit.record(new AuditEntry("audit-wl", clock.instant(), REPO, WAITING.key(), WAITING_HEAD,
                new Person("mallory"), "local", waiting.id(), "lab-tier", TrustDecision.Outcome.TRUSTED,
                "local is open to anyone", "p1", "d-w"));
        approvals.request(new ApprovalRequest(((Subject.Change) WAITING).change(), WAITING_HEAD, "b".repeat(40),
                "refs/heads/master", new Person("mallory"), true, CLONE_URL, "refs/pull/8/head", clock.instant()));

        var passed = run("pa55ed0001", STAGING, STAGING_HEAD, "local", RunState.PLANNED, 30, "plan 'smoke'");
        trusted(STAGING, STAGING_HEAD, "bob", passed);
        move(passed, RunState.PLANNED, RunState.SUBMITTED, "", 1, 31);
        move(passed, RunState.SUBMITTED, RunState.RUNNING, "", 1, 31);
        results.save(passed.id(), KcidbData.of(List.of(), List.of(Build.of("labgate:b-p", "labgate:c-p", "labgate")
                .withStatus(Status.PASS)), List.of(Test.of("labgate:t-p", "labgate:b-p", "labgate", "boot",
                Status.PASS))));
        move(passed, RunState.RUNNING, RunState.PASSED, "1 test passed", 1, 35);
        return new Ids(superseded.id(), failed.id(), running.id(), waiting.id(), passed.id());
    }

    private Run run(String id, Subject subject, String head, String lab, RunState state, int minute, String why) {
        var at = clock.set(start.plus(Duration.ofMinutes(minute)));
        var fetchRef = subject instanceof Subject.Branch b ? b.ref()
                : "refs/pull/" + ((Subject.Change) subject).change().number() + "/head";
        var run = runs.createIfAbsent(new Run(id, subject, lab, head, "b".repeat(40), CLONE_URL, fetchRef,
                List.of("smoke"), 0, state, 0, null, "", null, false, "d-" + id, at, at, Optional.empty()));
        runs.recordWhy(run.id(), why);
        return run;
    }

    private void trusted(Subject subject, String head, String who, Run... admitted) {
        var at = clock.instant();
        audit.record(new AuditEntry("audit-" + head.substring(0, 6) + who, at, REPO, subject.key(), head,
                new Person(who), "", "", "forge-permission", TrustDecision.Outcome.TRUSTED,
                who + " has write access to acme/linux", "p1", "d-" + head.substring(0, 6)));
        for (var run : admitted) {
            audit.record(new AuditEntry("audit-" + run.id(), at, REPO, subject.key(), head, new Person(who), run.lab(),
                    run.id(), "lab-tier", TrustDecision.Outcome.TRUSTED, run.lab() + " is open to anyone", "p1",
                    "d-" + head.substring(0, 6)));
        }
    }

    private void move(Run run, RunState from, RunState to, String note, int attempt, int minute) {
        clock.set(start.plus(Duration.ofMinutes(minute)));
        var handle = to == RunState.SUBMITTED ? new LabRun(run.lab(), "job-" + run.id(),
                "https://lab.example/jobs/" + run.id()) : null;
        runs.transition(run.id(), from, to, note, handle, attempt, null).orElseThrow();
    }

    /** 2 regressions among 40 tests, one infrastructure error, a hostile commit message. */
    private static KcidbData results(String runId) {
        var checkout = Checkout.of("labgate:c-" + runId, "labgate").withGit("https://git.example/acme/linux.git",
                "topic/<script>alert('branch')</script>", HEAD);
        checkout = new Checkout(checkout.id(), checkout.origin(), "acme", checkout.gitRepositoryUrl(),
                checkout.gitCommitHash(), null, null, HOSTILE_MESSAGE, checkout.gitRepositoryBranch(), null, null,
                null, null, null, null, null, null, null, null, null, null, null);
        var build = Build.of("labgate:b-" + runId, checkout.id(), "labgate").withConfig("x86_64", "defconfig")
                .withStatus(Status.PASS).withLog(null, "  CC      drivers/net/phy/acme.o\n" + HOSTILE_WARNING + "\n");
        var tests = new ArrayList<Test>();
        for (int i = 0; i < 37; i++) {
            tests.add(Test.of("labgate:t" + i, build.id(), "labgate", "kunit.suite.case_" + i, Status.PASS));
        }
        tests.add(Test.of("labgate:f1", build.id(), "labgate", HOSTILE_PATH, Status.FAIL)
                .withLog("https://lab.example/jobs/log/f1.txt", "running\n" + HOSTILE_EXCERPT));
        tests.add(Test.of("labgate:f2", build.id(), "labgate", "kunit.list.test_list_add", Status.FAIL)
                .withLog("javascript:alert('log-url')", "expected 1 == 2"));
        tests.add(Test.of("labgate:e1", build.id(), "labgate", "ltp.syscalls", Status.ERROR)
                .withLog(null, "lava: connection to the board was lost"));
        return KcidbData.of(List.of(checkout), List.of(build), tests);
    }
}
