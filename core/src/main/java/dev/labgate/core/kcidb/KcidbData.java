package dev.labgate.core.kcidb;

import java.util.ArrayList;
import java.util.List;

/** One KCIDB I/O document: a version and five lists of objects, each possibly empty. */
public record KcidbData(Version version, List<Checkout> checkouts, List<Build> builds, List<Test> tests,
                        List<Issue> issues, List<Incident> incidents) {

    public KcidbData {
        checkouts = checkouts == null ? List.of() : List.copyOf(checkouts);
        builds = builds == null ? List.of() : List.copyOf(builds);
        tests = tests == null ? List.of() : List.copyOf(tests);
        issues = issues == null ? List.of() : List.copyOf(issues);
        incidents = incidents == null ? List.of() : List.copyOf(incidents);
    }

    public static KcidbData empty() {
        return new KcidbData(Version.V5_3, List.of(), List.of(), List.of(), List.of(), List.of());
    }

    public static KcidbData of(List<Checkout> checkouts, List<Build> builds, List<Test> tests) {
        return new KcidbData(Version.V5_3, checkouts, builds, tests, List.of(), List.of());
    }

    /** All objects of both documents, in order; the version of this one. */
    public KcidbData merge(KcidbData other) {
        return new KcidbData(version, concat(checkouts, other.checkouts), concat(builds, other.builds),
                concat(tests, other.tests), concat(issues, other.issues), concat(incidents, other.incidents));
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        var all = new ArrayList<T>(a.size() + b.size());
        all.addAll(a);
        all.addAll(b);
        return all;
    }
}
