package dev.labgate.core.verdict;

import dev.labgate.core.kcidb.Status;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one answer labgate gives about a head commit: does it break something?
 *
 * <p>Only {@link #regressions} and {@link #notCompared} failures fail it; everything else a
 * contributor should know (known issues, flaky tests, failures the base already had, broken
 * tests and harnesses) is listed apart. Results of several labs are judged each against its own
 * baseline, so one verdict may hold regressions (labs with a baseline) and failures not compared
 * (labs without one).
 *
 * @param overall pass, fail, pending or infra-error
 * @param headline one line a contributor reads first; short enough for a commit status with its state word
 * @param compared whether every lab had a baseline (results of the base commit) to compare with
 * @param regressions failures the head introduced: failing here, passing or absent on the baseline
 * @param fixes tests that failed on the baseline and pass on the head
 * @param stillFailing failures the baseline already had; not the change's fault
 * @param knownIssues failures and errors matched by a known issue; they do not fail the verdict
 * @param flaky tests that both passed and failed on the head (or on the baseline), so prove nothing
 * @param infraErrors ERROR and MISS results: the test or the harness broke, not the code
 * @param notCompared failures of labs with no baseline to compare with: reported, not guessed to be regressions
 * @param counts how many results, by status, origin and architecture
 */
public record Verdict(Overall overall, String headline, boolean compared, List<Finding> regressions,
                      List<Finding> fixes, List<Finding> stillFailing, List<Finding> knownIssues,
                      List<Finding> flaky, List<Finding> infraErrors, List<Finding> notCompared, Counts counts) {

    public enum Overall {
        PASS("pass"), FAIL("fail"), PENDING("pending"), INFRA_ERROR("infra-error");

        private final String label;

        Overall(String label) {
            this.label = label;
        }

        /** The name in reports and JSON: {@code pass}, {@code fail}, {@code pending}, {@code infra-error}. */
        public String label() {
            return label;
        }
    }

    public Verdict {
        Objects.requireNonNull(overall, "overall");
        Objects.requireNonNull(headline, "headline");
        regressions = List.copyOf(regressions);
        fixes = List.copyOf(fixes);
        stillFailing = List.copyOf(stillFailing);
        knownIssues = List.copyOf(knownIssues);
        flaky = List.copyOf(flaky);
        infraErrors = List.copyOf(infraErrors);
        notCompared = List.copyOf(notCompared);
        Objects.requireNonNull(counts, "counts");
    }

    /** The failures that fail this verdict: regressions, then the failures that could not be compared. */
    public List<Finding> failures() {
        if (notCompared.isEmpty()) {
            return regressions;
        }
        var all = new ArrayList<>(regressions);
        all.addAll(notCompared);
        return List.copyOf(all);
    }

    /**
     * One result worth a line in a report, identified the way the verdict compares results:
     * test path, build configuration, platform and origin.
     *
     * @param id the KCIDB id of the build or test (the last attempt that counts), for links and lookups
     * @param path the test path, e.g. {@code kunit.example.test_one}; {@code build} for a build
     * @param origin the CI system that reported it
     * @param configuration build architecture and configuration, e.g. {@code x86_64 defconfig}; may be empty
     * @param platform where it ran (board, host); may be empty
     * @param logUrl link to the log, may be null
     * @param dashboardUrl link to the result on a KCIDB dashboard, may be null
     * @param detail why it is listed, on one line: what went wrong in the log's own words, a known
     *     issue, the status on the base; may be empty
     * @param excerpt the log excerpt of the attempt shown (at most KCIDB's 16,384 characters); may be empty
     */
    public record Finding(String id, String path, String origin, String configuration, String platform,
                          Status status, String logUrl, String dashboardUrl, String detail, String excerpt) {
        public Finding {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(origin, "origin");
            Objects.requireNonNull(configuration, "configuration");
            Objects.requireNonNull(platform, "platform");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(detail, "detail");
            excerpt = excerpt == null ? "" : excerpt;
        }
    }

    /**
     * How many results the head had. Every KCIDB test object counts once (a retried test counts
     * each attempt); results without a status are {@code unfinished}.
     *
     * @param tests test results per status
     * @param builds build results per status
     * @param testsByOrigin test results per origin, then per status
     * @param testsByArchitecture test results per build architecture ("unknown" when not given), then per status
     * @param unfinished tests and builds without a status yet
     */
    public record Counts(Map<Status, Long> tests, Map<Status, Long> builds,
                         Map<String, Map<Status, Long>> testsByOrigin,
                         Map<String, Map<Status, Long>> testsByArchitecture, long unfinished) {
        public Counts {
            tests = Map.copyOf(tests);
            builds = Map.copyOf(builds);
            testsByOrigin = Map.copyOf(testsByOrigin);
            testsByArchitecture = Map.copyOf(testsByArchitecture);
        }

        public static Counts none() {
            return new Counts(Map.of(), Map.of(), Map.of(), Map.of(), 0);
        }

        public long totalTests() {
            return tests.values().stream().mapToLong(Long::longValue).sum();
        }

        public long totalBuilds() {
            return builds.values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
