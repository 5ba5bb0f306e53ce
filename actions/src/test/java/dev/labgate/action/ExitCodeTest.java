package dev.labgate.action;

import dev.labgate.core.verdict.Verdict;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ExitCodeTest {

    @ParameterizedTest(name = "{0}, fail-on-regression {1}: exit {2}")
    @CsvSource({
            // A passing verdict passes the job.
            "PASS, true, 0",
            // A regression fails the job when the workflow asked for it...
            "FAIL, true, 1",
            // ...and is only reported when it did not.
            "FAIL, false, 0",
            // Still pending when the wait ended: a timeout, never a pass.
            "PENDING, false, 2",
            // A lab that broke is an infrastructure error whatever the setting.
            "INFRA_ERROR, true, 2"})
    void mapsTheVerdictToTheJobsExitCode(Verdict.Overall overall, boolean failOnRegression, int expected) {
        var verdict = new Verdict(overall, "headline", true, List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), Verdict.Counts.none());
        assertThat(ExitCode.of(verdict, failOnRegression).code()).isEqualTo(expected);
    }
}
