package dev.labgate.kcidb;

import java.util.regex.Pattern;

/**
 * The KCIDB ids of labgate's own objects under the operator's origin, derived from the ids the
 * labs gave them in a run ({@code labgate:<run id>.<part>}): the same run submitted again updates
 * its objects in KCIDB instead of adding duplicates, and a new run (a retest) adds new ones, as a
 * new execution should. Ids are {@code <origin>:<run id>.<part>}.
 */
public final class KcidbIds {

    private static final Pattern ORIGIN = Pattern.compile("[a-z0-9_]+");

    private final String origin;

    /** @throws IllegalArgumentException when the origin is not lowercase letters, digits and '_' */
    public KcidbIds(String origin) {
        if (origin == null || !ORIGIN.matcher(origin).matches()) {
            throw new IllegalArgumentException("a KCIDB origin is lowercase letters, digits and '_', not '" + origin + "'");
        }
        this.origin = origin;
    }

    public String origin() {
        return origin;
    }

    /** The id under this origin of the object a lab reported as {@code localId} ({@code <local origin>:<part>}). */
    public String of(String localId) {
        var colon = localId.indexOf(':');
        return origin + ":" + (colon < 0 ? localId : localId.substring(colon + 1));
    }
}
