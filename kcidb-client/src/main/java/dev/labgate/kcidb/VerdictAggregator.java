package dev.labgate.kcidb;

import dev.labgate.core.kcidb.Culprit;
import dev.labgate.core.kcidb.Incident;
import dev.labgate.core.kcidb.Issue;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.verdict.Verdict;
import dev.labgate.core.verdict.Verdict.Finding;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Turns the KCIDB results of a head commit, and of its base when there are any, into one
 * {@link Verdict}. Pure and thread-safe; shared by the service and the Action.
 *
 * <p>Results come in parts (one per lab), each with its own baseline, so that the tests of a lab
 * without a baseline are not taken for new ones. Results are compared by key: test path, build
 * configuration (architecture and config name), platform and origin. For each key on the head:
 * <ul>
 *   <li>a FAIL and a PASS: flaky, proves nothing;</li>
 *   <li>an attempt still without a status (a retry running): judged when it ends, so the verdict is
 *       pending unless something else already fails it;</li>
 *   <li>a FAIL matched (every failing attempt) by a KCIDB incident or an operator pattern: a known issue;</li>
 *   <li>a FAIL, no baseline for its part: not compared (reported, not guessed to be a regression);</li>
 *   <li>a FAIL that the baseline also has: still failing; flaky on the baseline: flaky;
 *       passing, absent, or without a verdict on the baseline: a regression;</li>
 *   <li>only ERROR or MISS: an infrastructure error (known when matched), never a code failure;
 *       an ERROR or MISS followed by a PASS is a retry that passed;</li>
 *   <li>a PASS where the baseline failed: a fix.</li>
 * </ul>
 * Overall, following KCIDB's status priority: fail when there is a regression or a failure not
 * compared; else infra-error when there is an infrastructure error; else pending when there are
 * no results or some have no status yet; else pass. Each failure says what went wrong in its log's
 * own words ({@link LogExcerpt#whatWentWrong}).
 */
public final class VerdictAggregator {

    /** Room left in a 140-character commit status for its longest state word ("Infrastructure error: "). */
    public static final int MAX_HEADLINE = 118;

    private static final int BUILD_KEY = -1;
    private static final int UNFINISHED = 1 << Status.values().length;

    /**
     * The results of one lab at the head, with the baseline they are compared with.
     *
     * @param baseline the results of the base commit on that lab; empty when there are none
     */
    public record Part(Results head, Optional<Results> baseline) {
        public Part {
            Objects.requireNonNull(head, "head");
            Objects.requireNonNull(baseline, "baseline");
        }
    }

    private final Optional<String> dashboardUrl;

    /** An aggregator whose findings link to logs only. */
    public VerdictAggregator() {
        this(Optional.empty());
    }

    /**
     * An aggregator whose findings also link to a KCIDB dashboard ({@code https://dashboard.kernelci.org}),
     * where results submitted to KCIDB can be seen.
     */
    public VerdictAggregator(Optional<String> dashboardUrl) {
        this.dashboardUrl = dashboardUrl.map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
    }

    /** The verdict of one set of results, with no baseline and nothing known beyond the results themselves. */
    public Verdict aggregate(KcidbData head) {
        return aggregate(Results.of(head), Optional.empty(), KnownIssues.none());
    }

    public Verdict aggregate(KcidbData head, Optional<KcidbData> baseline, KnownIssues known) {
        return aggregate(Results.of(head), baseline.map(Results::of), known);
    }

    public Verdict aggregate(Results head, Optional<Results> baseline, KnownIssues known) {
        return aggregate(List.of(new Part(head, baseline)), known);
    }

    /** The verdict over several labs' results, each part judged against its own baseline. */
    public Verdict aggregate(List<Part> parts, KnownIssues known) {
        var found = new Found();
        var counts = new Tally();
        var unfinished = false;
        var empty = true;
        for (var part : parts) {
            unfinished |= judge(part, known, found);
            counts.add(part.head());
            empty &= part.head().isEmpty();
        }
        boolean compared = !parts.isEmpty() && parts.stream().allMatch(p -> p.baseline().isPresent());
        Verdict.Overall overall;
        if (!found.regressions.isEmpty() || !found.notCompared.isEmpty()) {
            overall = Verdict.Overall.FAIL;
        } else if (!found.infra.isEmpty()) {
            overall = Verdict.Overall.INFRA_ERROR;
        } else if (empty || unfinished) {
            overall = Verdict.Overall.PENDING;
        } else {
            overall = Verdict.Overall.PASS;
        }
        found.sort();
        var total = counts.counts();
        var headline = Headline.of(overall, found, total, empty);
        return new Verdict(overall, headline, compared, found.regressions, found.fixes, found.stillFailing,
                found.knownIssues, found.flaky, found.infra, found.notCompared, total);
    }

    /** What the verdict lists, by kind. */
    private static final class Found {
        final List<Finding> regressions = new ArrayList<>();
        final List<Finding> fixes = new ArrayList<>();
        final List<Finding> stillFailing = new ArrayList<>();
        final List<Finding> knownIssues = new ArrayList<>();
        final List<Finding> flaky = new ArrayList<>();
        final List<Finding> infra = new ArrayList<>();
        final List<Finding> notCompared = new ArrayList<>();

        void sort() {
            var ordered = Comparator.comparing(Finding::path).thenComparing(Finding::configuration)
                    .thenComparing(Finding::platform).thenComparing(Finding::origin);
            List.of(regressions, fixes, stillFailing, knownIssues, flaky, infra, notCompared)
                    .forEach(list -> list.sort(ordered));
        }
    }

    /** Sorts the keys of one part into {@code found}; whether some of them are still running. */
    private boolean judge(Part part, KnownIssues known, Found found) {
        var head = part.head();
        var headGroups = group(head);
        var baseStatuses = part.baseline().map(VerdictAggregator::statuses);
        var matcher = new KnownIssueMatcher(head, known);
        var unfinished = false;
        for (var entry : headGroups.entrySet()) {
            var key = entry.getKey();
            var group = entry.getValue();
            int mask = group.statuses;
            int base = baseStatuses.map(s -> s.getOrDefault(key, 0)).orElse(0);
            if (has(mask, Status.FAIL) && has(mask, Status.PASS)) {
                found.flaky.add(finding(head, key, group.shown(), Status.FAIL, "both passed and failed on the head"));
            } else if ((mask & UNFINISHED) != 0) {
                // A retry still running decides this key: until it ends, its earlier attempts prove nothing.
                unfinished = true;
            } else if (has(mask, Status.FAIL)) {
                var issue = matcher.explains(group.unhappy, key);
                var shown = group.shown();
                if (issue.isPresent()) {
                    found.knownIssues.add(finding(head, key, shown, Status.FAIL, issue.get()));
                } else if (baseStatuses.isEmpty()) {
                    found.notCompared.add(finding(head, key, shown, Status.FAIL, words(head, key, shown)));
                } else if (has(base, Status.FAIL) && has(base, Status.PASS)) {
                    found.flaky.add(finding(head, key, shown, Status.FAIL,
                            "flaky on the base: both passed and failed there"));
                } else if (has(base, Status.FAIL)) {
                    found.stillFailing.add(finding(head, key, shown, Status.FAIL, words(head, key, shown)));
                } else {
                    found.regressions.add(finding(head, key, shown, Status.FAIL,
                            withBaseNote(words(head, key, shown), baseNote(base))));
                }
            } else if (has(mask, Status.PASS)) {
                if (has(base, Status.FAIL) && !has(base, Status.PASS)) {
                    found.fixes.add(finding(head, key, group.passed, Status.PASS, "failed on the base"));
                }
            } else if (has(mask, Status.ERROR) || has(mask, Status.MISS)) {
                var status = has(mask, Status.ERROR) ? Status.ERROR : Status.MISS;
                var shown = group.shown();
                var issue = matcher.explains(group.unhappy, key);
                if (issue.isPresent()) {
                    found.knownIssues.add(finding(head, key, shown, status, issue.get()));
                } else {
                    found.infra.add(finding(head, key, shown, status, words(head, key, shown)));
                }
            }
        }
        return unfinished;
    }

    /**
     * What a key is: a test (path, configuration, platform, origin) or a build (configuration,
     * origin; {@code kind} {@link #BUILD_KEY}).
     */
    private record Key(int kind, String path, String configuration, String platform, String origin) {
    }

    /** The attempts at one key: which statuses were seen, and the attempts worth showing. */
    private static final class Group {
        int statuses;
        /** Attempts that did not pass (FAIL, ERROR, MISS): test or build ids, in order. */
        List<String> unhappy;
        String worst;
        Status worstStatus;
        String passed;

        void add(String id, Status status) {
            statuses |= status == null ? UNFINISHED : 1 << status.ordinal();
            if (status == Status.PASS) {
                passed = id;
            }
            if (status == Status.FAIL || status == Status.ERROR || status == Status.MISS) {
                if (unhappy == null) {
                    unhappy = new ArrayList<>(1);
                }
                unhappy.add(id);
                // The last attempt with the highest-priority status is the one to show.
                if (worstStatus == null || status.compareTo(worstStatus) <= 0) {
                    worst = id;
                    worstStatus = status;
                }
            }
        }

        String shown() {
            return worst;
        }
    }

    private static Map<Key, Group> group(Results results) {
        var configurations = configurations(results);
        var groups = new HashMap<Key, Group>(capacity(results.tests().size() + results.builds().size()));
        for (var build : results.builds().values()) {
            if (results.untrackedButTested(build)) {
                continue;
            }
            var key = new Key(BUILD_KEY, "build", configurations.getOrDefault(build.id(), ""), "", build.origin());
            groups.computeIfAbsent(key, k -> new Group()).add(build.id(), build.status());
        }
        for (var test : results.tests()) {
            var key = new Key(0, test.path(), configurations.getOrDefault(test.buildId(), ""), test.platform(),
                    test.origin());
            groups.computeIfAbsent(key, k -> new Group()).add(test.id(), test.status());
        }
        return groups;
    }

    private static Map<Key, Integer> statuses(Results results) {
        var configurations = configurations(results);
        var statuses = new HashMap<Key, Integer>(capacity(results.tests().size() + results.builds().size()));
        for (var build : results.builds().values()) {
            var key = new Key(BUILD_KEY, "build", configurations.getOrDefault(build.id(), ""), "", build.origin());
            statuses.merge(key, bit(build.status()), (a, b) -> a | b);
        }
        for (var test : results.tests()) {
            var key = new Key(0, test.path(), configurations.getOrDefault(test.buildId(), ""), test.platform(),
                    test.origin());
            statuses.merge(key, bit(test.status()), (a, b) -> a | b);
        }
        return statuses;
    }

    /** A map capacity that holds {@code entries} without growing: growing a day's map costs more than filling it. */
    private static int capacity(int entries) {
        return (int) (entries / 0.75f) + 1;
    }

    private static Map<String, String> configurations(Results results) {
        var configurations = new HashMap<String, String>();
        var shared = new HashMap<String, String>();
        for (var build : results.builds().values()) {
            var configuration = String.join(" ", Objects.requireNonNullElse(build.architecture(), ""),
                    Objects.requireNonNullElse(build.configName(), "")).trim();
            configurations.put(build.id(), shared.computeIfAbsent(configuration, c -> c));
        }
        return configurations;
    }

    private static int bit(Status status) {
        return status == null ? UNFINISHED : 1 << status.ordinal();
    }

    private static boolean has(int mask, Status status) {
        return (mask & (1 << status.ordinal())) != 0;
    }

    private static String baseNote(int base) {
        if (base == 0) {
            return "not run on the base";
        }
        if (has(base, Status.PASS)) {
            return "";
        }
        var seen = new ArrayList<String>();
        for (var status : Status.values()) {
            if (has(base, status)) {
                seen.add(status.name());
            }
        }
        return seen.isEmpty() ? "no status on the base" : String.join("/", seen) + " on the base";
    }

    private Finding finding(Results results, Key key, String id, Status status, String detail) {
        String logUrl;
        if (key.kind() == BUILD_KEY) {
            logUrl = results.builds().get(id).logUrl();
        } else {
            var test = results.unhappy(id);
            logUrl = test == null ? null : test.logUrl();
        }
        return new Finding(id, key.path(), key.origin(), key.configuration(), key.platform(), status, logUrl,
                dashboardLink(key, id), detail, Objects.requireNonNullElse(logExcerpt(results, key, id), ""));
    }

    private String dashboardLink(Key key, String id) {
        return dashboardUrl.map(base -> base + (key.kind() == BUILD_KEY ? "/build/" : "/test/")
                + URLEncoder.encode(id, StandardCharsets.UTF_8)).orElse(null);
    }

    /** What went wrong, in the log's own words. */
    private static String words(Results results, Key key, String id) {
        return LogExcerpt.whatWentWrong(logExcerpt(results, key, id));
    }

    private static String logExcerpt(Results results, Key key, String id) {
        if (key.kind() == BUILD_KEY) {
            return results.builds().get(id).logExcerpt();
        }
        var test = results.unhappy(id);
        return test == null ? null : test.logExcerpt();
    }

    private static String withBaseNote(String words, String baseNote) {
        if (baseNote.isEmpty()) {
            return words;
        }
        return words.isEmpty() ? baseNote : words + " (" + baseNote + ")";
    }

    /** How many results the parts had, by status, origin and architecture. */
    private static final class Tally {
        final Map<Status, Long> builds = new EnumMap<>(Status.class);
        final Map<Status, Long> tests = new EnumMap<>(Status.class);
        final Map<String, Map<Status, Long>> byOrigin = new TreeMap<>();
        final Map<String, Map<Status, Long>> byArchitecture = new TreeMap<>();
        long unfinished;

        void add(Results results) {
            var architectures = new HashMap<String, String>();
            for (var build : results.builds().values()) {
                architectures.put(build.id(), build.architecture() == null || build.architecture().isEmpty()
                        ? "unknown" : build.architecture());
                if (build.status() == null) {
                    unfinished += results.untrackedButTested(build) ? 0 : 1;
                } else {
                    builds.merge(build.status(), 1L, Long::sum);
                }
            }
            for (var test : results.tests()) {
                if (test.status() == null) {
                    unfinished++;
                    continue;
                }
                tests.merge(test.status(), 1L, Long::sum);
                byOrigin.computeIfAbsent(test.origin(), o -> new EnumMap<>(Status.class))
                        .merge(test.status(), 1L, Long::sum);
                byArchitecture.computeIfAbsent(architectures.getOrDefault(test.buildId(), "unknown"),
                        a -> new EnumMap<>(Status.class)).merge(test.status(), 1L, Long::sum);
            }
        }

        Verdict.Counts counts() {
            return new Verdict.Counts(tests, builds, frozen(byOrigin), frozen(byArchitecture), unfinished);
        }
    }

    private static Map<String, Map<Status, Long>> frozen(Map<String, Map<Status, Long>> nested) {
        var copy = new HashMap<String, Map<Status, Long>>();
        nested.forEach((k, v) -> copy.put(k, Map.copyOf(v)));
        return copy;
    }

    /**
     * Finds the known issue behind failing attempts: a KCIDB incident (present) of an issue that
     * blames something, or an operator's pattern over the log excerpt and the path.
     */
    private static final class KnownIssueMatcher {
        private final Results results;
        private final List<KnownIssuePattern> patterns;
        private final Map<String, Issue> issues = new HashMap<>();
        private final Map<String, List<Incident>> incidents = new HashMap<>();

        KnownIssueMatcher(Results results, KnownIssues known) {
            this.results = results;
            this.patterns = known.patterns();
            var allIssues = new ArrayList<>(results.issues());
            allIssues.addAll(known.issues());
            // Only the highest version of an issue is used for triage (KCIDB).
            for (var issue : allIssues) {
                issues.merge(issue.id(), issue, (a, b) -> version(b) >= version(a) ? b : a);
            }
            var allIncidents = new ArrayList<>(results.incidents());
            allIncidents.addAll(known.incidents());
            for (var incident : allIncidents) {
                if (Boolean.FALSE.equals(incident.present())) {
                    continue;
                }
                if (incident.testId() != null) {
                    incidents.computeIfAbsent(incident.testId(), id -> new ArrayList<>()).add(incident);
                } else if (incident.buildId() != null) {
                    incidents.computeIfAbsent(incident.buildId(), id -> new ArrayList<>()).add(incident);
                }
            }
        }

        /** The known issue that explains every failing attempt, or empty when one of them is unexplained. */
        Optional<String> explains(List<String> attempts, Key key) {
            String explanation = null;
            for (var id : attempts) {
                var one = explainsOne(id, key);
                if (one.isEmpty()) {
                    return Optional.empty();
                }
                explanation = explanation == null ? one.get() : explanation;
            }
            return Optional.ofNullable(explanation);
        }

        private Optional<String> explainsOne(String id, Key key) {
            for (var incident : incidents.getOrDefault(id, List.of())) {
                var issue = issues.get(incident.issueId());
                if (issue == null) {
                    return Optional.of("known issue " + incident.issueId());
                }
                if (blamesSomething(issue.culprit())) {
                    return Optional.of(describe(issue));
                }
            }
            var excerpt = logExcerpt(results, key, id);
            for (var pattern : patterns) {
                if (pattern.matches(key.path(), excerpt)) {
                    return Optional.of("known issue " + pattern.id()
                            + (pattern.description().isEmpty() ? "" : ": " + pattern.description())
                            + (pattern.url() == null ? "" : " (" + pattern.url() + ")"));
                }
            }
            return Optional.empty();
        }

        /** KCIDB: an issue whose culprits are all false is invalid. */
        private static boolean blamesSomething(Culprit culprit) {
            return culprit == null || !(Boolean.FALSE.equals(culprit.code()) && Boolean.FALSE.equals(culprit.tool())
                    && Boolean.FALSE.equals(culprit.harness()));
        }

        private static String describe(Issue issue) {
            var text = issue.reportSubject() != null ? issue.reportSubject()
                    : issue.comment() != null ? issue.comment() : "";
            return "known issue " + issue.id() + (text.isEmpty() ? "" : ": " + text)
                    + (issue.reportUrl() == null ? "" : " (" + issue.reportUrl() + ")");
        }

        private static int version(Issue issue) {
            return issue.version() == null ? -1 : issue.version();
        }
    }

    /** The one line a contributor reads first, within {@link #MAX_HEADLINE} characters. */
    private static final class Headline {

        static String of(Verdict.Overall overall, Found found, Verdict.Counts counts, boolean empty) {
            return switch (overall) {
                case FAIL -> failed(found);
                case INFRA_ERROR -> listed(plural(found.infra.size(), "infrastructure error") + ", code not judged",
                        found.infra);
                case PENDING -> empty ? "no results yet" : plural(counts.unfinished(), "result") + " still running";
                case PASS -> fit(passed(counts) + aside(found.stillFailing.size(), "failing on the base too")
                        + aside(found.knownIssues.size(), "known issue") + aside(found.flaky.size(), "flaky"));
            };
        }

        /** "1 regression: kunit.a.b: Expected 2 == 3, but …", or the names of several; failures not compared after. */
        private static String failed(Found found) {
            var regressions = found.regressions;
            var notCompared = found.notCompared;
            if (notCompared.isEmpty()) {
                return listed(plural(regressions.size(), "regression"), regressions);
            }
            var apart = plural(notCompared.size(), "failure") + " not compared (no baseline)";
            if (regressions.isEmpty()) {
                return listed(apart, notCompared);
            }
            return listed(plural(regressions.size(), "regression") + " and " + apart, regressions);
        }

        private static String passed(Verdict.Counts counts) {
            long passed = counts.tests().getOrDefault(Status.PASS, 0L);
            if (passed > 0) {
                return plural(passed, "test") + " passed";
            }
            if (counts.totalTests() > 0) {
                return "nothing failed";
            }
            long builds = counts.builds().getOrDefault(Status.PASS, 0L);
            return builds > 0 ? plural(builds, "build") + " passed" : "nothing failed";
        }

        private static String aside(int count, String what) {
            if (count == 0) {
                return "";
            }
            return "; " + (what.startsWith("known") ? plural(count, what) : count + " " + what);
        }

        /**
         * One finding with its own words ("1 regression: kunit.a.b: Expected 2 == 3, but …"); several
         * by name, added while they fit, then "+N more".
         */
        private static String listed(String prefix, List<Finding> findings) {
            if (findings.size() == 1) {
                var only = findings.get(0);
                return fit(prefix + ": " + name(only) + (only.detail().isEmpty() ? "" : ": " + only.detail()));
            }
            var line = new StringBuilder(prefix).append(": ");
            for (int i = 0; i < findings.size(); i++) {
                var name = name(findings.get(i));
                var rest = findings.size() - i - 1;
                var more = rest > 0 ? ", +" + rest + " more" : "";
                if (line.length() + name.length() + more.length() + 2 > MAX_HEADLINE) {
                    line.append(i == 0 ? "" : ", ").append("+").append(findings.size() - i).append(" more");
                    return fit(line.toString());
                }
                line.append(i == 0 ? "" : ", ").append(name);
            }
            return fit(line.toString());
        }

        private static String name(Finding finding) {
            return finding.configuration().isEmpty() ? finding.path()
                    : finding.path() + " (" + finding.configuration() + ")";
        }

        private static String plural(long count, String noun) {
            return count + " " + noun + (count == 1 ? "" : "s");
        }

        private static String fit(String line) {
            return line.length() <= MAX_HEADLINE ? line : line.substring(0, MAX_HEADLINE - 1) + "…";
        }
    }
}
