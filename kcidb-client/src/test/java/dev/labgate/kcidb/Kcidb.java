package dev.labgate.kcidb;

import dev.labgate.core.kcidb.Build;
import dev.labgate.core.kcidb.Checkout;
import dev.labgate.core.kcidb.Culprit;
import dev.labgate.core.kcidb.Environment;
import dev.labgate.core.kcidb.Incident;
import dev.labgate.core.kcidb.Issue;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.kcidb.Test;
import dev.labgate.core.kcidb.Version;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds small KCIDB documents for tests: one checkout, builds per configuration, tests on them. */
final class Kcidb {

    private final List<Build> builds = new ArrayList<>();
    private final List<Test> tests = new ArrayList<>();
    private final List<Issue> issues = new ArrayList<>();
    private final List<Incident> incidents = new ArrayList<>();
    private int next;

    static Kcidb results() {
        return new Kcidb();
    }

    /** A build of {@code architecture defconfig} by {@code origin}, with the given status. */
    Kcidb build(String origin, String architecture, Status status) {
        builds.add(Build.of(buildId(origin, architecture), origin + ":checkout", origin).withConfig(architecture, "defconfig")
                .withStatus(status).withLog("https://logs.example/" + origin + "/build-" + architecture + ".log",
                        status == Status.FAIL ? "make: *** [vmlinux] Error 2\n" : null));
        return this;
    }

    /** A test on the x86_64 build of {@code origin} on the {@code qemu} platform. */
    Kcidb test(String origin, String path, Status status) {
        return test(origin, "x86_64", "qemu", path, status, null);
    }

    Kcidb test(String origin, String architecture, String platform, String path, Status status, String logExcerpt) {
        if (builds.stream().noneMatch(b -> b.id().equals(buildId(origin, architecture)))) {
            build(origin, architecture, Status.PASS);
        }
        var id = origin + ":t" + next++;
        tests.add(Test.of(id, buildId(origin, architecture), origin, path, status)
                .withEnvironment(new Environment("host-" + next, null, Map.of("platform", platform)))
                .withLog("https://logs.example/" + id + ".log", logExcerpt));
        return this;
    }

    /** A known issue (KCIDB issue and incident) on the last test added. */
    Kcidb incidentOnLastTest(String issueId, String subject, Culprit culprit) {
        var test = tests.get(tests.size() - 1);
        issues.add(new Issue(issueId, 1, "triage", "https://bugs.example/" + issueId.replace(':', '-'), subject,
                culprit, null, null, null, null));
        incidents.add(new Incident("triage:i" + next++, issueId, 1, "triage", null, test.id(), true, null, null, null));
        return this;
    }

    String lastTestId() {
        return tests.get(tests.size() - 1).id();
    }

    KcidbData data() {
        var origins = builds.stream().map(Build::origin).distinct()
                .map(o -> Checkout.of(o + ":checkout", o)).toList();
        return new KcidbData(Version.V5_3, origins, builds, tests, issues, incidents);
    }

    private static String buildId(String origin, String architecture) {
        return origin + ":build-" + architecture;
    }
}
