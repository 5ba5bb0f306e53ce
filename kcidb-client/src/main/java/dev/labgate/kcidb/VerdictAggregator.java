package dev.labgate.kcidb;

import dev.labgate.core.kcidb.Build;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.kcidb.Test;
import dev.labgate.core.verdict.Verdict;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns the KCIDB results of a head commit into one {@link Verdict}. Pure and thread-safe.
 *
 * <p>Failures (FAIL) fail the verdict; ERROR and MISS blame the test or the harness, so they make
 * an infrastructure error at worst, never a code failure. Without a baseline, failures are
 * reported as not compared rather than guessed to be regressions.
 */
public final class VerdictAggregator {

    public Verdict aggregate(KcidbData head) {
        Map<String, Build> builds = new HashMap<>();
        head.builds().forEach(b -> builds.put(b.id(), b));
        var failures = new ArrayList<Verdict.Finding>();
        var infra = new ArrayList<Verdict.Finding>();
        var counts = new EnumMap<Status, Long>(Status.class);
        for (var build : head.builds()) {
            if (build.status() == null) {
                continue;
            }
            if (build.status().blamesCode()) {
                failures.add(finding("build", build, build.status(), build.logUrl(), build.logExcerpt()));
            } else if (build.status().blamesInfrastructure()) {
                infra.add(finding("build", build, build.status(), build.logUrl(), build.logExcerpt()));
            }
        }
        for (var test : head.tests()) {
            if (test.status() == null) {
                continue;
            }
            counts.merge(test.status(), 1L, Long::sum);
            var build = builds.get(test.buildId());
            if (test.status().blamesCode()) {
                failures.add(finding(test, build));
            } else if (test.status().blamesInfrastructure()) {
                infra.add(finding(test, build));
            }
        }
        Verdict.Overall overall;
        String headline;
        if (!failures.isEmpty()) {
            overall = Verdict.Overall.FAIL;
            headline = failures.size() + (failures.size() == 1 ? " failure" : " failures") + ": "
                    + failures.get(0).path() + (failures.size() > 1 ? ", …" : "");
        } else if (!infra.isEmpty()) {
            overall = Verdict.Overall.INFRA_ERROR;
            headline = "infrastructure error in " + infra.get(0).path() + "; nothing is known about the code";
        } else if (head.tests().isEmpty() && head.builds().isEmpty()) {
            overall = Verdict.Overall.PENDING;
            headline = "no results yet";
        } else {
            overall = Verdict.Overall.PASS;
            long passed = counts.getOrDefault(Status.PASS, 0L);
            headline = passed + (passed == 1 ? " test passed" : " tests passed");
        }
        return new Verdict(overall, headline, List.of(), List.of(), List.of(), List.of(), infra, failures, counts);
    }

    private static Verdict.Finding finding(Test test, Build build) {
        var configuration = build == null ? "" : describe(build);
        var platform = test.environment() == null || test.environment().comment() == null
                ? "" : test.environment().comment();
        return new Verdict.Finding(Objects.requireNonNullElse(test.path(), ""), test.origin(), configuration, platform,
                test.status(), test.logUrl(), excerpt(test.logExcerpt()));
    }

    private static Verdict.Finding finding(String path, Build build, Status status, String logUrl, String excerpt) {
        return new Verdict.Finding(path, build.origin(), describe(build), "", status, logUrl, excerpt(excerpt));
    }

    private static String describe(Build build) {
        return String.join(" ", List.of(Objects.requireNonNullElse(build.architecture(), ""),
                Objects.requireNonNullElse(build.configName(), ""))).trim();
    }

    /** The last non-empty line of a log excerpt: usually the one that says what went wrong. */
    private static String excerpt(String logExcerpt) {
        if (logExcerpt == null) {
            return "";
        }
        var lines = logExcerpt.strip().split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1].strip();
    }
}
