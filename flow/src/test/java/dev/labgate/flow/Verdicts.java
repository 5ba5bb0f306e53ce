package dev.labgate.flow;

import dev.labgate.config.PolicySource;
import dev.labgate.core.store.ResultStore;
import dev.labgate.core.store.RunStore;
import dev.labgate.core.store.WorkQueue;
import dev.labgate.kcidb.VerdictAggregator;

import java.net.http.HttpClient;
import java.time.Clock;

/** The flow's verdicts over test stores, as the service wires them; KCIDB is asked only where a policy says so. */
final class Verdicts {

    static final HttpClient HTTP = HttpClient.newHttpClient();

    private Verdicts() {
    }

    static RunVerdicts of(RunStore runs, ResultStore results, PolicySource policies, WorkQueue work, Clock clock) {
        var baselines = new Baselines(runs, results, policies, new KcidbSource(policies, HTTP), work, clock);
        return new RunVerdicts(runs, results, baselines, new PolicyKnownIssues(policies), new VerdictAggregator());
    }
}
