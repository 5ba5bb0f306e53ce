package dev.labgate.kcidb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.verdict.Verdict;
import dev.labgate.core.verdict.Verdict.Finding;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A verdict as JSON for tools: {@code verdict}, {@code headline}, {@code compared}, one list per
 * kind of finding ({@code regressions}, {@code fixes}, {@code still_failing}, {@code known_issues},
 * {@code flaky}, {@code infra_errors}, {@code not_compared}) and {@code counts}. Absent links and
 * log excerpts are left out; maps are sorted so that the same verdict is the same text.
 */
public final class VerdictJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private VerdictJson() {
    }

    public static ObjectNode tree(Verdict verdict) {
        var root = NODES.objectNode();
        root.put("verdict", verdict.overall().label());
        root.put("headline", verdict.headline());
        root.put("status_description", VerdictText.statusDescription(verdict));
        root.put("compared", verdict.compared());
        root.set("regressions", findings(verdict.regressions()));
        root.set("fixes", findings(verdict.fixes()));
        root.set("still_failing", findings(verdict.stillFailing()));
        root.set("known_issues", findings(verdict.knownIssues()));
        root.set("flaky", findings(verdict.flaky()));
        root.set("infra_errors", findings(verdict.infraErrors()));
        root.set("not_compared", findings(verdict.notCompared()));
        var counts = root.putObject("counts");
        var c = verdict.counts();
        counts.set("tests", statuses(c.tests()));
        counts.set("builds", statuses(c.builds()));
        counts.set("by_origin", nested(c.testsByOrigin()));
        counts.set("by_architecture", nested(c.testsByArchitecture()));
        counts.put("unfinished", c.unfinished());
        return root;
    }

    public static String write(Verdict verdict) {
        try {
            return KcidbJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(tree(verdict));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ArrayNode findings(List<Finding> findings) {
        var array = NODES.arrayNode();
        for (var f : findings) {
            var node = array.addObject();
            node.put("id", f.id());
            node.put("path", f.path());
            node.put("origin", f.origin());
            node.put("configuration", f.configuration());
            node.put("platform", f.platform());
            node.put("status", f.status().name());
            if (f.logUrl() != null) {
                node.put("log_url", f.logUrl());
            }
            if (f.dashboardUrl() != null) {
                node.put("dashboard_url", f.dashboardUrl());
            }
            node.put("detail", f.detail());
            if (!f.excerpt().isEmpty()) {
                node.put("log_excerpt", f.excerpt());
            }
        }
        return array;
    }

    private static ObjectNode statuses(Map<Status, Long> counts) {
        var node = NODES.objectNode();
        new TreeMap<>(counts).forEach((status, count) -> node.put(status.name(), count));
        return node;
    }

    private static ObjectNode nested(Map<String, Map<Status, Long>> counts) {
        var node = NODES.objectNode();
        new TreeMap<>(counts).forEach((key, byStatus) -> node.set(key, statuses(byStatus)));
        return node;
    }
}
