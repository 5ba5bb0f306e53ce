package dev.labgate.kcidb;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.labgate.core.kcidb.Build;
import dev.labgate.core.kcidb.Checkout;
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
 * from any number of documents and origins. A test is kept as its key and status, made of
 * strings shared with the other tests; only tests that did not pass keep their log URL and
 * excerpt. So a day of results fits in a small heap. An object sent again with the same id
 * replaces the earlier one, as in KCIDB.
 * Not thread-safe: fill it from one thread, then hand it to {@link VerdictAggregator}.
 */
public final class Results implements KcidbSink {

    /** One test result, reduced to what compares it with others. */
    record Row(String id, String buildId, String origin, String path, String platform, Status status) {
    }

    /** The logs of a result that did not pass. */
    record Logs(String logUrl, String logExcerpt) {
    }

    private final Map<String, String> shared = new HashMap<>();
    private final List<Checkout> checkouts = new ArrayList<>();
    private final Map<String, Build> builds = new LinkedHashMap<>();
    private final Map<String, Row> tests = new LinkedHashMap<>();
    private final Set<String> testedBuilds = new HashSet<>();
    private final Map<String, Logs> unhappy = new HashMap<>();
    private final List<Issue> issues = new ArrayList<>();
    private final List<Incident> incidents = new ArrayList<>();
    private String lastBuildId;
    private String lastOrigin;

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

    /**
     * Adds every object of a KCIDB document, streaming it. Tests are read field by field, keeping
     * only what the verdict uses: binding every field of a day of tests would take longer than
     * the verdict itself.
     *
     * @throws IOException when the input is not JSON or a field has the wrong type; with line and column
     */
    public Results read(InputStream json) throws IOException {
        KcidbJson.stream(json, this, this::readTest);
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
        var environment = test.environment();
        add(test.id(), test.buildId(), test.origin(), test.path(), test.status(),
                environment == null || environment.misc() == null ? null : environment.misc().get("platform"),
                environment == null || environment.compatible() == null || environment.compatible().isEmpty()
                        ? null : environment.compatible().get(0),
                test.logUrl(), test.logExcerpt());
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

    /** The logs of a test that did not pass (FAIL, ERROR, MISS); null for others. */
    Logs unhappy(String id) {
        return unhappy.get(id);
    }

    List<Issue> issues() {
        return issues;
    }

    List<Incident> incidents() {
        return incidents;
    }

    /**
     * The platform of a test is the kind of machine it ran on: KernelCI's {@code misc.platform},
     * else the first device-tree compatible string. Not the environment comment: that often names
     * one host of a pool, and the same test on another host of the pool is the same test.
     */
    private void add(String id, String buildId, String origin, String path, Status status, Object miscPlatform,
                     String compatible, String logUrl, String logExcerpt) {
        var platform = miscPlatform instanceof String text ? text : compatible;
        // Tests come grouped by build and origin: most of the time both are the previous test's.
        var sharedBuild = buildId != null && buildId.equals(lastBuildId) ? lastBuildId : share(buildId);
        var sharedOrigin = origin != null && origin.equals(lastOrigin) ? lastOrigin : share(origin);
        if (sharedBuild != lastBuildId) {
            testedBuilds.add(sharedBuild);
            lastBuildId = sharedBuild;
        }
        lastOrigin = sharedOrigin;
        var row = new Row(id, sharedBuild, sharedOrigin, share(path), share(platform), status);
        var replaced = tests.put(id, row) != null;
        if (status == Status.FAIL || status == Status.ERROR || status == Status.MISS) {
            unhappy.put(id, new Logs(logUrl, logExcerpt));
        } else if (replaced) {
            unhappy.remove(id);
        }
    }

    private void readTest(JsonParser parser) throws IOException {
        String id = null;
        String buildId = null;
        String origin = null;
        String path = null;
        String platform = null;
        String compatible = null;
        String logUrl = null;
        String logExcerpt = null;
        Status status = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            var name = parser.currentName();
            parser.nextToken();
            switch (name) {
                case "id" -> id = text(parser, name);
                case "build_id" -> buildId = text(parser, name);
                case "origin" -> origin = text(parser, name);
                case "path" -> path = text(parser, name);
                case "log_url" -> logUrl = text(parser, name);
                case "log_excerpt" -> logExcerpt = text(parser, name);
                case "status" -> status = status(parser);
                case "environment" -> {
                    var found = environment(parser);
                    platform = found[0];
                    compatible = found[1];
                }
                default -> parser.skipChildren();
            }
        }
        if (id == null) {
            throw new IOException("a test without an id" + KcidbJson.at(parser));
        }
        add(id, buildId, origin, path, status, platform, compatible, logUrl, logExcerpt);
    }

    /** {@code misc.platform} and the first {@code compatible} string of an environment object. */
    private static String[] environment(JsonParser parser) throws IOException {
        var found = new String[2];
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return found;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            var name = parser.currentName();
            var token = parser.nextToken();
            if ("misc".equals(name) && token == JsonToken.START_OBJECT) {
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    var key = parser.currentName();
                    parser.nextToken();
                    if ("platform".equals(key) && parser.currentToken() == JsonToken.VALUE_STRING) {
                        found[0] = parser.getText();
                    } else {
                        parser.skipChildren();
                    }
                }
            } else if ("compatible".equals(name) && token == JsonToken.START_ARRAY) {
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    if (found[1] == null && parser.currentToken() == JsonToken.VALUE_STRING) {
                        found[1] = parser.getText();
                    }
                    parser.skipChildren();
                }
            } else {
                parser.skipChildren();
            }
        }
        return found;
    }

    private static String text(JsonParser parser, String name) throws IOException {
        var token = parser.currentToken();
        if (token == JsonToken.VALUE_STRING) {
            return parser.getText();
        }
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        throw new IOException("test field \"" + name + "\" must be a string" + KcidbJson.at(parser));
    }

    private static Status status(JsonParser parser) throws IOException {
        var text = text(parser, "status");
        if (text == null) {
            return null;
        }
        try {
            return Status.valueOf(text);
        } catch (IllegalArgumentException e) {
            throw new IOException("test status \"" + text + "\" is not one of FAIL, ERROR, MISS, PASS, DONE, SKIP"
                    + KcidbJson.at(parser), e);
        }
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
