package dev.labgate.core.run;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The runs of one head in the order of their stages: each run after the run it comes after (same
 * lab, same round), otherwise in the order given. Pages, statuses and the summary list runs so.
 */
public final class StageOrder {

    private StageOrder() {
    }

    public static List<Run> of(List<Run> runs) {
        var ordered = new ArrayList<Run>(runs.size());
        var placed = new HashSet<String>();
        var visiting = new HashSet<String>();
        for (var run : runs) {
            place(run, runs, ordered, placed, visiting);
        }
        return ordered;
    }

    private static void place(Run run, List<Run> runs, List<Run> ordered, Set<String> placed, Set<String> visiting) {
        if (placed.contains(run.id()) || !visiting.add(run.id())) {
            // A cycle cannot come from a checked policy; if stored runs had one, the given order stands.
            return;
        }
        run.after().ifPresent(lab -> runs.stream()
                .filter(r -> r.lab().equals(lab) && r.round() == run.round())
                .forEach(dependency -> place(dependency, runs, ordered, placed, visiting)));
        visiting.remove(run.id());
        placed.add(run.id());
        ordered.add(run);
    }
}
