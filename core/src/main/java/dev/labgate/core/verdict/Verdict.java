package dev.labgate.core.verdict;

import dev.labgate.core.kcidb.Status;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one answer labgate gives about a head commit: does it break something?
 *
 * @param overall pass, fail, pending or infra-error
 * @param headline one line a contributor reads first
 * @param regressions failures the head introduced (failing here, passing or absent on the baseline)
 * @param fixes tests that failed on the baseline and pass on the head
 * @param knownIssues failures matched by a known issue; they do not fail the verdict
 * @param flaky tests that both passed and failed on the head
 * @param infraErrors ERROR and MISS results: the test or the harness broke, not the code
 * @param notCompared failures with no baseline to compare with
 * @param counts number of tests per status
 */
public record Verdict(Overall overall, String headline, List<Finding> regressions, List<Finding> fixes,
                      List<Finding> knownIssues, List<Finding> flaky, List<Finding> infraErrors,
                      List<Finding> notCompared, Map<Status, Long> counts) {

    public enum Overall { PASS, FAIL, PENDING, INFRA_ERROR }

    public Verdict {
        Objects.requireNonNull(overall, "overall");
        Objects.requireNonNull(headline, "headline");
        regressions = List.copyOf(regressions);
        fixes = List.copyOf(fixes);
        knownIssues = List.copyOf(knownIssues);
        flaky = List.copyOf(flaky);
        infraErrors = List.copyOf(infraErrors);
        notCompared = List.copyOf(notCompared);
        counts = Map.copyOf(counts);
    }

    /**
     * One test result worth a line in a report.
     *
     * @param path the test path, e.g. {@code kunit.example.test_one}
     * @param origin the CI system that reported it
     * @param configuration build architecture and configuration, e.g. {@code x86_64 defconfig}
     * @param platform where it ran (board, host), may be empty
     * @param logUrl link to the log, may be null
     * @param detail why it is listed (known issue id, log excerpt line); may be empty
     */
    public record Finding(String path, String origin, String configuration, String platform, Status status,
                          String logUrl, String detail) {
        public Finding {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(origin, "origin");
            Objects.requireNonNull(status, "status");
        }
    }
}
