package dev.labgate.action;

import dev.labgate.core.verdict.Verdict;

/** How {@code labgate action} ends a CI job; the numbers are the contract with workflows. */
public enum ExitCode {
    PASS(0), REGRESSION(1),
    /** The head is not trusted: nothing reached a lab, so the job must not pass as if it had. */
    UNTRUSTED(1),
    INFRA_ERROR(2), USAGE(64);

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
