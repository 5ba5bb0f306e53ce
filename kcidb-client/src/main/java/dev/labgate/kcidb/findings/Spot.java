package dev.labgate.kcidb.findings;

import dev.labgate.core.review.Finding;

/**
 * A finding and the lines of the log it was read from (indices, both inclusive).
 *
 * @param context a line before them that says who is speaking (kbuild's {@code CHECK} line for
 *                sparse), -1 when there is none
 */
record Spot(Finding finding, int from, int to, int context) {

    Spot(Finding finding, int from, int to) {
        this(finding, from, to, -1);
    }
}
