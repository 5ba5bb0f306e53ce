package dev.labgate.kcidb;

import dev.labgate.core.kcidb.Build;
import dev.labgate.core.kcidb.Checkout;
import dev.labgate.core.kcidb.Environment;
import dev.labgate.core.kcidb.Incident;
import dev.labgate.core.kcidb.Issue;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.kcidb.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the verdict needs from the KCIDB results of one commit, gathered one object at a time
 * from any number of documents and origins. A passing test is kept as a few shared strings (its
 * key and status); only tests that did not pass keep their logs, so a day of results fits in a
 * small heap. An object sent again with the same id replaces the earlier one, as in KCIDB.
 * Not thread-safe: fill it from one thread, then hand it to {@link VerdictAggregator}.
 */
public final class Results implements KcidbSink {

    /** One test result, reduced to what compares it with others. */
    record Row(String id, String buildId, String origin, String path, String platform, Status status) {
    }

    private final Map<String, String> shared = new HashMap<>();
    private final List<Checkout> checkouts = new ArrayList<>();
    private final Map<String, Build> builds = new LinkedHashMap<>();
    private final Map<String, Row> tests = new LinkedHashMap<>();
    private final Set<String> testedBuilds = new HashSet<>();
    private final Map<String, Test> unhappy = new HashMap<>();
    private final List<Issue> issues = new ArrayList<>();
    private final List<Incident> incidents = new ArrayList<>();

    public static Results of(KcidbData data) {
        var results = new Results();
        results.add(data);
        return results;
    }

    public Results add(KcidbData data) {
        data.checkouts().forEach(this::checkout);
        data.builds().forEach(this::build);
        data.tests().forEach(this::test);
        data.issues().forEach(this::issue);
        data.incidents().forEach(this::incident);
        return this;
    }

    /** Adds every object of a KCIDB document, streaming it. */
    public Results read(InputStream json) throws IOException {
        KcidbJson.stream(json, this);
        return this;
    }

    @Override
    public void checkout(Checkout checkout) {
        checkouts.add(checkout);
    }

    @Override
    public void build(Build build) {
        builds.put(build.id(), build);
    }

    @Override
    public void test(Test test) {
        var row = new Row(test.id(), share(test.buildId()), share(test.origin()),
                share(test.path() == null ? "" : test.path()), share(platform(test.environment())), test.status());
        tests.put(test.id(), row);
        testedBuilds.add(row.buildId());
        if (test.status() == Status.FAIL || test.status() == Status.ERROR || test.status() == Status.MISS) {
            unhappy.put(test.id(), test);
        } else {
            unhappy.remove(test.id());
        }
    }

    @Override
    public void issue(Issue issue) {
        issues.add(issue);
    }

    @Override
    public void incident(Incident incident) {
        incidents.add(incident);
    }

    public boolean isEmpty() {
        return builds.isEmpty() && tests.isEmpty();
    }

    List<Checkout> checkouts() {
        return checkouts;
    }

    Map<String, Build> builds() {
        return builds;
    }

    Collection<Row> tests() {
        return tests.values();
    }

    /**
     * Whether a build's own status is unknown but tests ran on it: some origins report tests on
     * builds whose status they do not know. Such a build is done, not still running.
     */
    boolean untrackedButTested(Build build) {
        return build.status() == null && testedBuilds.contains(build.id());
    }

    /** The whole test object of a result that did not pass (FAIL, ERROR, MISS), with its logs. */
    Test unhappy(String id) {
        return unhappy.get(id);
    }

    List<Issue> issues() {
        return issues;
    }

    List<Incident> incidents() {
        return incidents;
    }

    /**
     * The kind of machine a test ran on: KernelCI's {@code misc.platform}, else the first
     * device-tree compatible string. Not the environment comment: that often names one host of a
     * pool, and the same test on another host of the pool is the same test.
     */
    static String platform(Environment environment) {
        if (environment == null) {
            return "";
        }
        if (environment.misc() != null && environment.misc().get("platform") instanceof String platform) {
            return platform;
        }
        if (environment.compatible() != null && !environment.compatible().isEmpty()) {
            return environment.compatible().get(0);
        }
        return "";
    }

    /** Paths, origins, build ids and platforms repeat across thousands of tests: keep one copy of each. */
    private String share(String text) {
        if (text == null) {
            return "";
        }
        var known = shared.putIfAbsent(text, text);
        return known == null ? text : known;
    }
}
