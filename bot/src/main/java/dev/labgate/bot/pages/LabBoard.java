package dev.labgate.bot.pages;

import dev.labgate.bot.store.JdbcRunStore;
import dev.labgate.config.LabSpec;
import dev.labgate.config.PolicySource;
import dev.labgate.core.run.RunState;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Each lab's queue, running runs and recent error rate, for {@code /labs}. A lab is unhealthy when
 * it is no longer in the policy, or when at least {@link #MIN_FINISHED} of its runs finished in the
 * window and half of them or more ended in an infrastructure error or a timeout.
 */
public final class LabBoard {

    static final Duration WINDOW = Duration.ofHours(24);
    static final int MIN_FINISHED = 3;
    static final double UNHEALTHY_RATE = 0.5;

    private final PolicySource policies;
    private final JdbcRunStore runs;
    private final Clock clock;

    public LabBoard(PolicySource policies, JdbcRunStore runs, Clock clock) {
        this.policies = policies;
        this.runs = runs;
        this.clock = clock;
    }

    public LabsView view() {
        var since = clock.instant().minus(WINDOW);
        var labs = policies.current().labs();
        var counts = new TreeMap<String, Map<RunState, Long>>();
        labs.keySet().forEach(name -> counts.put(name, new EnumMap<>(RunState.class)));
        var seen = new ArrayList<JdbcRunStore.LabCount>(runs.activeByLab());
        seen.addAll(runs.finishedByLabSince(since));
        for (var c : seen) {
            counts.computeIfAbsent(c.lab(), name -> new EnumMap<>(RunState.class)).merge(c.state(), c.count(), Long::sum);
        }
        var rows = new ArrayList<LabsView.Lab>();
        counts.forEach((name, byState) -> rows.add(lab(name, labs.get(name), byState)));
        return new LabsView(since, rows);
    }

    private static LabsView.Lab lab(String name, LabSpec spec, Map<RunState, Long> byState) {
        long waiting = byState.getOrDefault(RunState.AWAITING_APPROVAL, 0L) + byState.getOrDefault(RunState.WAITING, 0L);
        long queued = byState.getOrDefault(RunState.PLANNED, 0L) + byState.getOrDefault(RunState.SUBMITTED, 0L);
        long running = byState.getOrDefault(RunState.RUNNING, 0L);
        long passed = byState.getOrDefault(RunState.PASSED, 0L);
        long failed = byState.getOrDefault(RunState.FAILED, 0L);
        long infra = byState.getOrDefault(RunState.ERRORED, 0L) + byState.getOrDefault(RunState.TIMED_OUT, 0L);
        long finished = passed + failed + infra;
        double rate = finished == 0 ? 0 : (double) infra / finished;
        boolean healthy;
        String health;
        var hours = WINDOW.toHours() + " h";
        if (spec == null) {
            healthy = false;
            health = "no longer in the policy: its runs end with an error";
        } else if (finished >= MIN_FINISHED && rate >= UNHEALTHY_RATE) {
            healthy = false;
            health = infra + " of " + finished + " runs in the last " + hours
                    + " ended in an infrastructure error or timed out";
        } else {
            healthy = true;
            health = finished == 0 ? "no run finished in the last " + hours
                    : finished + (finished == 1 ? " run" : " runs") + " finished in the last " + hours + ", " + infra
                    + " with an infrastructure error or timeout";
        }
        return new LabsView.Lab(name, type(spec), spec != null, dashboard(spec), waiting, queued, running, finished,
                passed, failed, infra, rate, healthy, health);
    }

    private static String type(LabSpec spec) {
        if (spec == null) {
            return "";
        }
        if (spec instanceof LabSpec.Command) {
            return "command";
        }
        if (spec instanceof LabSpec.KernelCi) {
            return "kernelci";
        }
        if (spec instanceof LabSpec.Lava) {
            return "lava";
        }
        return spec.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    }

    private static String dashboard(LabSpec spec) {
        if (spec instanceof LabSpec.KernelCi kernelci) {
            return kernelci.dashboardUrl().map(Object::toString).orElse("");
        }
        return "";
    }
}
