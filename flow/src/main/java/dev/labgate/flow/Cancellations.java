package dev.labgate.flow;

import dev.labgate.core.event.Subject;
import dev.labgate.core.lab.Lab;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;
import dev.labgate.core.store.RunStore;
import dev.labgate.core.store.Transactions;
import dev.labgate.core.store.Work;
import dev.labgate.core.store.WorkQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Stops runs that are no longer wanted: superseded by a new head, the change closed, a maintainer's
 * {@code /labgate cancel}. Each cancelled run's own step then writes its terminal status, so
 * nothing is left pending on the forge. Safe to repeat.
 */
final class Cancellations {

    private static final Logger LOG = LoggerFactory.getLogger(Cancellations.class);

    private final RunStore runs;
    private final WorkQueue work;
    private final Transactions transactions;
    private final Labs labs;

    Cancellations(RunStore runs, WorkQueue work, Transactions transactions, Labs labs) {
        this.runs = runs;
        this.work = work;
        this.transactions = transactions;
        this.labs = labs;
    }

    /** Cancels the subject's unfinished runs that {@code which} selects, noting why; returns those it cancelled. */
    List<Run> cancel(Subject subject, Predicate<Run> which, String note) {
        List<Run> cancelled = transactions.inTransaction(() -> {
            var done = new ArrayList<Run>();
            for (var old : runs.active(subject.key())) {
                if (!which.test(old)) {
                    continue;
                }
                runs.transition(old.id(), old.state(), RunState.CANCELLED, note, null, old.attempt(), null)
                        .ifPresent(run -> {
                            work.enqueueNow(new Work.AdvanceRun(run.id()));
                            done.add(run);
                        });
            }
            return done;
        });
        for (var run : cancelled) {
            if (run.labRun() != null) {
                labs.find(run.lab()).ifPresent(lab -> cancelAtLab(lab, run));
            }
        }
        return cancelled;
    }

    /**
     * The subject is gone (closed, merged, its branch deleted): each lab its latest head ran on
     * frees what it keeps for the subject (KernelCI: the pushed lab branch). Failures are logged;
     * they never stop the delivery.
     */
    void release(Subject subject) {
        var head = runs.latestHead(subject.key());
        if (head.isEmpty()) {
            return;
        }
        runs.forHead(subject.key(), head.get()).stream().map(Run::lab).distinct()
                .forEach(name -> labs.find(name).ifPresent(lab -> {
                    try {
                        lab.release(subject);
                    } catch (RuntimeException e) {
                        LOG.warn("lab {} could not free what it keeps for {}: {}", name, subject.key(), e.getMessage());
                    }
                }));
    }

    private static void cancelAtLab(Lab lab, Run run) {
        try {
            lab.cancel(run.labRun());
        } catch (RuntimeException e) {
            LOG.warn("could not cancel run {} at lab {}: {}", run.id(), run.lab(), e.getMessage());
        }
    }
}
