package dev.labgate.flow;

import dev.labgate.config.PolicySource;
import dev.labgate.core.event.DeliveryKey;
import dev.labgate.core.event.ForgeEvent;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.event.Subject;
import dev.labgate.core.forge.Forge;
import dev.labgate.core.forge.ForgeException;
import dev.labgate.core.store.DeliveryStore;
import dev.labgate.core.store.RunStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Finds what the webhooks missed. GitHub never redelivers on its own and GitLab disables a hook
 * that keeps failing, so a pass lists the open changes and the staging-branch heads of every
 * repository in the policy, and acts on each head labgate has no run for as if its delivery had
 * arrived; with a GitHub App it also asks GitHub to redeliver the deliveries that failed. Last, it
 * reads back the final statuses written in the past {@link #STATUS_WINDOW} and writes again any that
 * the forge shows otherwise (a late write that landed after them). A pass is bounded: at most
 * {@link Limits#calls()} API calls and {@link Limits#starts()} heads started; the next pass begins
 * where this one stopped.
 */
public final class Reconciler {

    /**
     * How much one pass may do.
     *
     * @param calls the most API calls spent listing (an open-change list is one, a branch head two,
     *              each redelivery one more)
     * @param starts the most heads acted on
     * @param changesPerRepository the most open changes listed per repository (the most recently updated)
     * @param redeliveries the most failed deliveries asked for again
     */
    public record Limits(int calls, int starts, int changesPerRepository, int redeliveries) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    /** How far back final statuses are read back. */
    static final Duration STATUS_WINDOW = Duration.ofHours(1);

    private final Forges forges;
    private final PolicySource policies;
    private final RunStore runs;
    private final DeliveryStore deliveries;
    private final DeliveryProcessor processor;
    private final FinalStatuses statuses;
    private final Clock clock;
    private final Limits limits;
    private final AtomicInteger next = new AtomicInteger();

    public Reconciler(Forges forges, PolicySource policies, RunStore runs, DeliveryStore deliveries,
                      DeliveryProcessor processor, FinalStatuses statuses, Clock clock, Limits limits) {
        this.forges = forges;
        this.policies = policies;
        this.runs = runs;
        this.deliveries = deliveries;
        this.processor = processor;
        this.statuses = statuses;
        this.clock = clock;
        this.limits = limits;
    }

    /** One pass; returns what it did, in words. Safe to run on any replica, and again. */
    public String pass() {
        var repositories = policies.current().repositories().stream()
                .filter(r -> forges.find(r.forge()).isPresent()).toList();
        var pass = new Pass("reconcile-" + clock.instant().getEpochSecond());
        var first = repositories.isEmpty() ? 0 : Math.floorMod(next.get(), repositories.size());
        var visited = 0;
        var held = new HashSet<String>();
        for (int i = 0; i < repositories.size() && pass.calls < limits.calls() && pass.starts < limits.starts(); i++) {
            var rule = repositories.get((first + i) % repositories.size());
            if (held.contains(rule.forge())) {
                continue;
            }
            var forge = forges.get(rule.forge());
            var repo = new RepoRef(rule.forge(), rule.name());
            try {
                pass.calls++;
                for (var change : forge.openChanges(repo, limits.changesPerRepository())) {
                    if (pass.starts >= limits.starts()) {
                        break;
                    }
                    if (runs.forHead(new Subject.Change(change.change()).key(), change.headSha()).isEmpty()) {
                        pass.start(forge, change, change.change() + " at " + change.headSha());
                    }
                }
                for (var branch : rule.stagingBranches()) {
                    if (pass.calls + 2 > limits.calls() || pass.starts >= limits.starts()) {
                        break;
                    }
                    pass.calls += 2;
                    var head = forge.branchHead(repo, branch);
                    if (head.isPresent() && runs.forHead(new Subject.Branch(repo, head.get().ref()).key(),
                            head.get().after()).isEmpty()) {
                        pass.start(forge, head.get(), repo + " " + branch + " at " + head.get().after());
                    }
                }
                visited++;
            } catch (ForgeException e) {
                LOG.warn("reconciling {}: {}", repo, e.getMessage());
                if (e.retryAfter().isPresent()) {
                    // The forge asked to wait: leave its other repositories for the next pass.
                    held.add(rule.forge());
                }
                visited++;
            }
        }
        next.addAndGet(Math.max(1, visited));
        var redelivered = 0;
        for (var forge : forges.all()) {
            var room = Math.min(limits.redeliveries() - redelivered, limits.calls() - pass.calls - 1);
            if (room <= 0 || held.contains(forge.name())) {
                continue;
            }
            try {
                pass.calls++;
                var asked = forge.redeliverFailed(id -> deliveries.find(new DeliveryKey(forge.name(), id)).isPresent(),
                        room);
                pass.calls += asked;
                redelivered += asked;
            } catch (ForgeException e) {
                LOG.warn("asking {} to redeliver failed deliveries: {}", forge.name(), e.getMessage());
            }
        }
        var repaired = repairStatuses(pass, held);
        var summary = "reconciled " + visited + " of " + repositories.size() + " repositories: " + pass.starts
                + " missed " + (pass.starts == 1 ? "head" : "heads") + " acted on, " + redelivered
                + " failed deliveries asked for again, " + repaired + " final "
                + (repaired == 1 ? "status" : "statuses") + " written again, about " + pass.calls + " API calls";
        if (pass.starts > 0 || redelivered > 0 || repaired > 0) {
            LOG.info("{}; {}", summary, String.join("; ", pass.outcomes));
        } else {
            LOG.debug(summary);
        }
        return summary;
    }

    /**
     * Reads back recent final statuses with the calls the pass has left; returns how many the forge
     * showed otherwise and were written again.
     */
    private int repairStatuses(Pass pass, Set<String> held) {
        var repaired = 0;
        var left = limits.calls() - pass.calls;
        if (left <= 0) {
            return 0;
        }
        for (var run : runs.reportedSince(clock.instant().minus(STATUS_WINDOW), left)) {
            var forge = run.subject().repo().forge();
            if (pass.calls >= limits.calls() || held.contains(forge) || forges.find(forge).isEmpty()) {
                continue;
            }
            pass.calls++;
            try {
                if (statuses.check(run) == FinalStatuses.Check.REPAIRED) {
                    pass.calls++;
                    repaired++;
                    pass.outcomes.add("status of run " + run.id() + " written again");
                }
            } catch (ForgeException e) {
                LOG.warn("reading back the status of run {}: {}", run.id(), e.getMessage());
                if (e.retryAfter().isPresent()) {
                    held.add(forge);
                }
            }
        }
        return repaired;
    }

    /** What one pass has spent and done so far. */
    private final class Pass {
        private final String name;
        private final ArrayList<String> outcomes = new ArrayList<>();
        private int calls;
        private int starts;

        Pass(String name) {
            this.name = name;
        }

        void start(Forge forge, ForgeEvent event, String what) {
            starts++;
            try {
                outcomes.add(what + ": " + processor.act(forge, event, name));
            } catch (ForgeException e) {
                outcomes.add(what + ": not now (" + e.getMessage() + ")");
            }
        }
    }
}
