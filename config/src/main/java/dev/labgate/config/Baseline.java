package dev.labgate.config;

/**
 * Where a lab's baseline comes from: the results of the base commit that a head's results are
 * compared with, so that a failure the base already had is not taken for the change's regression.
 */
public enum Baseline {
    /** labgate tests the base commit on the lab itself, once per base, when it has no results for it. */
    TEST_BASE("test-base"),
    /** The base commit's results come from the KCIDB dashboard the policy names ({@code kcidb.dashboard}). */
    KCIDB("kcidb"),
    /** No baseline: failures are reported as not compared. */
    NONE("none");

    private final String word;

    Baseline(String word) {
        this.word = word;
    }

    /** How the policy file spells it. */
    public String word() {
        return word;
    }

    /** What a lab gets without a {@code baseline} key: the command lab costs nothing, so it tests the base. */
    static Baseline defaultFor(LabSpec spec) {
        return spec instanceof LabSpec.Command ? TEST_BASE : NONE;
    }
}
