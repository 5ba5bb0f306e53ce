package dev.labgate.flow;

import dev.labgate.config.KcidbSettings;
import dev.labgate.config.PolicySource;
import dev.labgate.core.Sha256;
import dev.labgate.core.kcidb.Incident;
import dev.labgate.core.kcidb.Issue;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.kcidb.Test;
import dev.labgate.core.kcidb.Version;
import dev.labgate.core.run.Run;
import dev.labgate.kcidb.dashboard.DashboardClient;
import dev.labgate.kcidb.dashboard.DashboardException;
import dev.labgate.kcidb.dashboard.TreeQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What other CI systems told KCIDB, read from the dashboard the policy names ({@code kcidb.dashboard}):
 * the results of a base commit, and the issues KCIDB triaged for failures at a base or head commit.
 * Off when the policy configures no dashboard. A dashboard that cannot be asked costs a verdict its
 * help, never the verdict: the failure is logged and the verdict goes on without it.
 */
public final class KcidbSource {

    private static final Logger LOG = LoggerFactory.getLogger(KcidbSource.class);

    /**
     * A base commit's results as the dashboard has them.
     *
     * @param origin the KCIDB origin they are of (e.g. {@code maestro})
     * @param branch the tree's branch they were reported for
     */
    public record BaseResults(KcidbData results, String origin, String branch) {
    }

    private final PolicySource policies;
    private final HttpClient http;

    public KcidbSource(PolicySource policies, HttpClient http) {
        this.policies = policies;
        this.http = http;
    }

    /** The base commit's builds and tests from the dashboard; empty when it has none or cannot be asked. */
    public Optional<BaseResults> baseResults(String commit) {
        var dashboard = policies.current().kcidb().dashboard();
        if (dashboard.isEmpty()) {
            return Optional.empty();
        }
        var d = dashboard.get();
        try {
            var data = client(d).tree(query(d, commit));
            return data.tests().isEmpty() && data.builds().isEmpty() ? Optional.empty()
                    : Optional.of(new BaseResults(data, d.origin(), d.branch()));
        } catch (DashboardException e) {
            LOG.warn("no baseline from KCIDB for {}: {}", commit, e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * The issues KCIDB triaged for the same tests failing at the run's base or head commit, as
     * KCIDB issues and incidents on the run's own failing tests, to be kept with its results: the
     * verdict then lists those failures as known. Empty unless the policy asks for KCIDB's known issues.
     */
    public KcidbData triage(Run run, KcidbData results) {
        var settings = policies.current().kcidb();
        if (!settings.knownIssues() || settings.dashboard().isEmpty()) {
            return KcidbData.empty();
        }
        var failing = results.tests().stream().filter(t -> unhappy(t.status()) && t.path() != null).toList();
        if (failing.isEmpty()) {
            return KcidbData.empty();
        }
        var dashboard = settings.dashboard().get();
        var paths = new LinkedHashSet<String>();
        failing.forEach(t -> paths.add(t.path()));
        var issues = new LinkedHashMap<String, Issue>();
        var incidents = new ArrayList<Incident>();
        var commits = new LinkedHashSet<String>();
        if (run.baseSha() != null && !run.baseSha().isEmpty()) {
            commits.add(run.baseSha());
        }
        commits.add(run.headSha());
        try {
            for (var commit : commits) {
                triage(client(dashboard), query(dashboard, commit), paths, failing, issues, incidents);
            }
        } catch (DashboardException e) {
            LOG.warn("run {}: KCIDB's known issues not read: {}", run.id(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new KcidbData(Version.V5_3, List.of(), List.of(), List.of(), List.copyOf(issues.values()), incidents);
    }

    private static void triage(DashboardClient client, TreeQuery query, Set<String> paths, List<Test> failing,
                               LinkedHashMap<String, Issue> issues, List<Incident> incidents)
            throws DashboardException, InterruptedException {
        var tree = client.tree(query);
        var relevant = tree.tests().stream().filter(t -> unhappy(t.status()) && paths.contains(t.path())).toList();
        if (relevant.isEmpty()) {
            return;
        }
        var pathOf = new HashMap<String, String>();
        relevant.forEach(t -> pathOf.put(t.id(), t.path()));
        var known = client.knownIssues(new KcidbData(Version.V5_3, List.of(), List.of(), relevant, List.of(),
                List.of()));
        known.issues().forEach(issue -> issues.putIfAbsent(issue.id(), issue));
        for (var incident : known.incidents()) {
            var path = pathOf.get(incident.testId());
            for (var test : failing) {
                if (test.path().equals(path)) {
                    // The same issue on the same test elsewhere: an incident of it on this run's test.
                    incidents.add(new Incident(incident.origin() + ":labgate-"
                            + Sha256.hex(incident.issueId() + "\n" + test.id(), 16), incident.issueId(),
                            incident.issueVersion(), incident.origin(), null, test.id(), true,
                            "seen by KCIDB on " + incident.testId() + " at " + query.commit(), null, null));
                }
            }
        }
    }

    private DashboardClient client(KcidbSettings.Dashboard dashboard) {
        return new DashboardClient(http, dashboard.api());
    }

    private static TreeQuery query(KcidbSettings.Dashboard dashboard, String commit) {
        return new TreeQuery(commit, dashboard.origin(), dashboard.treeUrl(), dashboard.branch());
    }

    private static boolean unhappy(Status status) {
        return status == Status.FAIL || status == Status.ERROR || status == Status.MISS;
    }
}
