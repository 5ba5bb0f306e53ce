package dev.labgate.action;

import dev.labgate.core.verdict.Verdict;

/** How {@code labgate action} ends a CI job; the numbers are the contract with workflows. */
public enum ExitCode {
    PASS(0), REGRESSION(1), INFRA_ERROR(2),
    /**
     * The head is not trusted (yet): nothing reached a lab, and each lab's status waits, pending,
     * for a maintainer's approval. Not a failure of the change, so not 1; the GitHub action and the
     * GitLab template turn it into a step that passes (GitHub) or a job with a warning (GitLab).
     */
    UNTRUSTED(3),
    USAGE(64);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /**
     * The job's end for a verdict. A failing verdict fails the job only when the workflow asked
     * for it; a pending verdict at the end of the wait is a timeout, so an infrastructure error.
     */
    public static ExitCode of(Verdict verdict, boolean failOnRegression) {
        return switch (verdict.overall()) {
            case PASS -> PASS;
            case FAIL -> failOnRegression ? REGRESSION : PASS;
            case PENDING, INFRA_ERROR -> INFRA_ERROR;
        };
    }
}
