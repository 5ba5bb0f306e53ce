package dev.labgate.kcidb.submit;

import dev.labgate.core.kcidb.Build;
import dev.labgate.core.kcidb.Checkout;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.kcidb.Test;
import dev.labgate.core.kcidb.Version;
import dev.labgate.kcidb.KcidbIds;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What labgate adds to KCIDB from one run: the checkout, builds and tests its own labs reported
 * (origin {@code labgate}), under the operator's origin with ids derived from the run. Objects
 * another CI system reported (KernelCI's {@code maestro} results of a KernelCI lab, issues and
 * incidents read from a dashboard) are already in KCIDB under their own origin and are never
 * resubmitted as labgate's. Pure.
 */
public final class Contribution {

    /** The origin labgate's own labs (command, LAVA) give their results before they are shared. */
    public static final String LOCAL_ORIGIN = "labgate";

    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    /**
     * Where the commit of a run comes from, for the checkout KCIDB shows.
     *
     * @param repositoryUrl the repository's clone URL; KCIDB takes {@code https://} URLs only, others are left out
     * @param branch the branch, or null for a change (its head is on no branch of the repository)
     * @param commit the head commit tested
     * @param misc what else identifies the run (lab, run id, change), shown by dashboards as it is
     */
    public record Source(String repositoryUrl, String branch, String commit, Map<String, Object> misc) {
        public Source {
            Objects.requireNonNull(commit, "commit");
            misc = Map.copyOf(misc);
        }
    }

    private Contribution() {
    }

    /** The part of {@code results} that is labgate's own, ready to submit under {@code ids}' origin. */
    public static KcidbData of(KcidbData results, KcidbIds ids, Source source) {
        var checkouts = new LinkedHashMap<String, Checkout>();
        for (var c : results.checkouts()) {
            if (own(c.origin())) {
                var url = source.repositoryUrl() != null && source.repositoryUrl().startsWith("https://")
                        ? source.repositoryUrl() : null;
                var commit = COMMIT.matcher(source.commit()).matches() ? source.commit() : null;
                checkouts.put(c.id(), new Checkout(ids.of(c.id()), ids.origin(), c.treeName(), url, commit,
                        c.gitCommitName(), c.gitCommitTags(), c.gitCommitMessage(), source.branch(),
                        c.gitRepositoryBranchTip(), c.patchsetFiles(), c.patchsetHash(), c.messageId(), c.comment(),
                        c.startTime(), c.logUrl(), c.logExcerpt(), c.valid(), c.originBuildsFinishTime(),
                        c.originTestsFinishTime(), source.misc().isEmpty() ? c.misc() : source.misc(), c.timestamp()));
            }
        }
        var builds = results.builds().stream().filter(b -> own(b.origin())).map(b -> new Build(ids.of(b.id()),
                reference(b.checkoutId(), ids), ids.origin(), b.comment(), b.startTime(), b.duration(),
                b.architecture(), b.command(), b.compiler(), b.inputFiles(), b.outputFiles(), b.configName(),
                b.configUrl(), b.logUrl(), b.logExcerpt(), b.status(), b.misc(), b.timestamp())).toList();
        var tests = results.tests().stream().filter(t -> own(t.origin())).map(t -> new Test(ids.of(t.id()),
                reference(t.buildId(), ids), ids.origin(), t.environment(), t.path(), t.comment(), t.logUrl(),
                t.logExcerpt(), t.status(), t.number(), t.startTime(), t.duration(), t.outputFiles(), t.inputFiles(),
                t.misc(), t.timestamp())).toList();
        return new KcidbData(Version.V5_3, List.copyOf(checkouts.values()), builds, tests, List.of(), List.of());
    }

    private static boolean own(String origin) {
        return LOCAL_ORIGIN.equals(origin);
    }

    /** A link to one of labgate's own objects moves with it; a link to another origin's object stays. */
    private static String reference(String id, KcidbIds ids) {
        return id != null && id.startsWith(LOCAL_ORIGIN + ":") ? ids.of(id) : id;
    }
}
