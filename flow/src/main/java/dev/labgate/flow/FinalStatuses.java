package dev.labgate.flow;

import dev.labgate.config.PolicySource;
import dev.labgate.core.event.Subject;
import dev.labgate.core.forge.CommitStatus;
import dev.labgate.core.forge.ForgeException;
import dev.labgate.core.run.Run;
import dev.labgate.core.store.ResultStore;
import dev.labgate.core.store.RunStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Writes a run's statuses so that a final one stays final. A forge can apply a write whose answer
 * never came (a timeout, a reset connection) long after it: GitHub applied a pending status 28 s
 * after the success labgate wrote next, and the commit showed pending for good. So such a write
 * leaves the run's status in doubt; before the next write of that context the forge's state is read
 * back (a final write already applied is not repeated), and after the final write the context is
 * read back again until {@link #DOUBT_WINDOW} has passed, repairing it whenever the forge shows
 * anything but the final state. The reconciler reads back recent final statuses the same way.
 */
public final class FinalStatuses {

    private static final Logger LOG = LoggerFactory.getLogger(FinalStatuses.class);

    /** How long after an unanswered write the forge may still apply it, as far as labgate keeps watching. */
    public static final Duration DOUBT_WINDOW = Duration.ofMinutes(10);
    /** How often a final status in doubt is read back. */
    public static final Duration CHECK_EVERY = Duration.ofSeconds(30);

    /** What reading back a final status found. */
    public enum Check {
        /** The forge shows the final state. */
        AGREES,
        /** The forge showed something else (a late pending write, or nothing): the final status was written again. */
        REPAIRED,
        /** Not checked: a newer head or a newer round of the run's lab owns the context now. */
        SUPERSEDED,
        /** Not checked: labgate writes no status for the run (a base run, or {@code reporting.statuses: false}). */
        NOT_WRITTEN
    }

    private final RunStore runs;
    private final Forges forges;
    private final HeadFindings findings;
    private final PolicySource policies;
    private final RunVerdicts verdicts;
    private final RunLinks links;
    private final Clock clock;

    public FinalStatuses(RunStore runs, ResultStore results, Forges forges, PolicySource policies, RunVerdicts verdicts,
                         RunLinks links, Clock clock) {
        this.runs = runs;
        this.forges = forges;
        this.findings = new HeadFindings(results, verdicts.baselines());
        this.policies = policies;
        this.verdicts = verdicts;
        this.links = links;
        this.clock = clock;
    }

    /**
     * The status a run shows now: progress while it runs, its verdict with details once it ended,
     * and then its findings as annotations where the forge has them (GitHub check runs) unless the
     * policy turned reviews off.
     */
    CommitStatus of(Run run) {
        var status = StatusText.of(run, links.run(run.id()));
        if (!run.state().isTerminal()) {
            return status;
        }
        var details = SummaryMarkdown.render(run.headSha(), List.of(run), verdicts.of(List.of(run)), links,
                runs.whys(run.subject().key(), run.headSha()), verdicts.baselines());
        status = status.withDetails(details);
        return policies.current().reporting().review().enabled()
                ? status.withAnnotations(findings.of(List.of(run)).findings()) : status;
    }

    /**
     * Writes {@code status} for the run. While an earlier write is in doubt, the forge's state is
     * read first, and a final status the forge already shows is not written again. A write that gets
     * no answer puts the run's status in doubt, and the failure is thrown on. Nothing is written for
     * a base run (it gates nothing) or when the policy turns statuses off.
     */
    void write(Run run, CommitStatus status) {
        if (!written(run)) {
            return;
        }
        var forge = forges.get(run.subject().repo().forge());
        var repo = run.subject().repo();
        var doubt = runs.statusInDoubtSince(run.id());
        if (doubt.isPresent()) {
            var shown = forge.statusOf(repo, run.headSha(), status.context());
            LOG.info("run {}: status {} on {} is in doubt since {} (a write got no answer); the forge shows {}, "
                    + "labgate writes {}", run.id(), status.context(), run.headSha(), doubt.get(),
                    shown.map(s -> s.name().toLowerCase(Locale.ROOT)).orElse("none"), status.state().name().toLowerCase(Locale.ROOT));
            if (status.state().isFinal() && agrees(status.state(), shown)) {
                return;
            }
        }
        try {
            forge.setStatus(run.subject(), run.headSha(), status);
        } catch (ForgeException e) {
            if (e.outcomeUnknown()) {
                runs.markStatusInDoubt(run.id(), clock.instant());
            }
            throw e;
        }
    }

    /**
     * Reads back the final status of a run whose status was written, and writes it again when the
     * forge shows anything else. Only the newest round of the newest head of a subject owns a context.
     */
    Check check(Run run) {
        if (!written(run)) {
            return Check.NOT_WRITTEN;
        }
        if (superseded(run)) {
            return Check.SUPERSEDED;
        }
        var expected = of(run);
        var shown = forges.get(run.subject().repo().forge()).statusOf(run.subject().repo(), run.headSha(),
                expected.context());
        if (agrees(expected.state(), shown)) {
            return Check.AGREES;
        }
        LOG.warn("run {}: the forge shows status {} on {} as {} although the run ended {}; writing it again", run.id(),
                expected.context(), run.headSha(), shown.map(s -> s.name().toLowerCase(Locale.ROOT)).orElse("missing"),
                run.state().label());
        forges.get(run.subject().repo().forge()).setStatus(run.subject(), run.headSha(), expected);
        return Check.REPAIRED;
    }

    /** Whether a status write of the run got no answer and is not settled yet. */
    boolean inDoubt(Run run) {
        return runs.statusInDoubtSince(run.id()).isPresent();
    }

    /** Reads back a final status in doubt; returns when to look again, or empty once no late write can land. */
    Optional<Instant> recheck(Run run) {
        var since = runs.statusInDoubtSince(run.id());
        if (since.isEmpty()) {
            return Optional.empty();
        }
        var check = check(run);
        var now = clock.instant();
        if (check == Check.SUPERSEDED || now.isAfter(since.get().plus(DOUBT_WINDOW))) {
            runs.clearStatusDoubt(run.id());
            LOG.info("run {}: status no longer in doubt ({} since {})", run.id(), check == Check.SUPERSEDED
                    ? "superseded" : "checked for " + DOUBT_WINDOW.toMinutes() + " minutes", since.get());
            return Optional.empty();
        }
        return Optional.of(now.plus(CHECK_EVERY));
    }

    /**
     * Whether the forge's state counts as the expected one: a final state that passes when the run
     * passed, or fails when it did not (GitLab and check runs have one failing state for two of ours).
     */
    static boolean agrees(CommitStatus.State expected, Optional<CommitStatus.State> shown) {
        if (shown.isEmpty() || !shown.get().isFinal()) {
            return !expected.isFinal() && shown.isPresent();
        }
        return (shown.get() == CommitStatus.State.SUCCESS) == (expected == CommitStatus.State.SUCCESS);
    }

    private boolean written(Run run) {
        return !(run.subject() instanceof Subject.Base) && policies.current().reporting().statuses();
    }

    private boolean superseded(Run run) {
        var latestHead = runs.latestHead(run.subject().key());
        if (latestHead.isPresent() && !latestHead.get().equals(run.headSha())) {
            return true;
        }
        return runs.forHead(run.subject().key(), run.headSha()).stream()
                .anyMatch(r -> r.lab().equals(run.lab()) && r.round() > run.round());
    }
}
