package dev.labgate.kcidb;

import dev.labgate.core.Sha256;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Stable KCIDB ids for the objects labgate submits under its own origin: each id is a hash of
 * what makes the object unique, so that submitting the same checkout, build or test again
 * updates it in KCIDB instead of adding a duplicate. Ids are {@code <origin>:<32 hex digits>}.
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

    /** The checkout of one commit of one branch of one repository. */
    public String checkout(String repositoryUrl, String branch, String commitHash) {
        return id("checkout", repositoryUrl, branch, commitHash);
    }

    /** One build configuration of a checkout. */
    public String build(String checkoutId, String architecture, String configName, String compiler) {
        return id("build", checkoutId, architecture, configName, compiler);
    }

    /** One test path of a build on one platform; {@code attempt} tells retries apart (0 for the first). */
    public String test(String buildId, String path, String platform, int attempt) {
        return id("test", buildId, path, platform, Integer.toString(attempt));
    }

    /** An issue labgate tracks, by a name of the operator's (e.g. a known-issue pattern's id). */
    public String issue(String name) {
        return id("issue", name);
    }

    /** The occurrence of an issue in one build or test. */
    public String incident(String issueId, String buildOrTestId) {
        return id("incident", issueId, buildOrTestId);
    }

    private String id(String kind, String... parts) {
        var text = new StringBuilder(kind);
        for (var part : parts) {
            // A separator that cannot occur in the parts keeps ("a b", "c") apart from ("a", "b c").
            text.append('\u0000').append(Objects.requireNonNullElse(part, ""));
        }
        return origin + ":" + Sha256.hex(text.toString(), 16);
    }
}
