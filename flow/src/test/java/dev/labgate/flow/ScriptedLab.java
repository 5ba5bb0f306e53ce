package dev.labgate.flow;

import dev.labgate.core.event.Subject;
import dev.labgate.core.kcidb.Build;
import dev.labgate.core.kcidb.Checkout;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.kcidb.Test;
import dev.labgate.core.lab.Artifact;
import dev.labgate.core.lab.Lab;
import dev.labgate.core.lab.LabProgress;
import dev.labgate.core.lab.LabRun;
import dev.labgate.core.lab.TreeRequest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A lab the test drives: it keeps what it was given and runs until the test says how a run ended. */
final class ScriptedLab implements Lab {

    private final String name;
    private final List<TreeRequest> submitted = new ArrayList<>();
    private final List<String> cancelled = new ArrayList<>();
    private final Map<String, KcidbData> finished = new LinkedHashMap<>();
    private final List<String> released = new ArrayList<>();
    private final List<String> attempts = new ArrayList<>();
    private List<Artifact> publishes = List.of();

    ScriptedLab(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public LabRun submit(TreeRequest request) {
        if (submitted.stream().noneMatch(r -> r.runId().equals(request.runId()))) {
            submitted.add(request);
            attempts.add(request.runId());
        } else if (finished.remove(request.runId()) != null) {
            // As the port says: a submit after a finished attempt is a retry, and starts afresh.
            attempts.add(request.runId());
        }
        return new LabRun(name, request.runId(), null);
    }

    /** Every run this lab finishes publishes these artifacts. */
    ScriptedLab publishing(List<Artifact> artifacts) {
        this.publishes = List.copyOf(artifacts);
        return this;
    }

    @Override
    public List<Artifact> artifacts(LabRun run) {
        return finished.containsKey(run.externalId()) ? publishes : List.of();
    }

    /** How many attempts of the run the lab was given. */
    long attempts(String runId) {
        return attempts.stream().filter(runId::equals).count();
    }

    @Override
    public LabProgress poll(LabRun run) {
        var result = finished.get(run.externalId());
        return result == null ? new LabProgress.Running("testing") : new LabProgress.Finished(result);
    }

    @Override
    public void cancel(LabRun run) {
        cancelled.add(run.externalId());
    }

    @Override
    public Duration pollInterval() {
        return Duration.ofSeconds(10);
    }

    /** Every run submitted and not yet finished ends with one test of this status. */
    void finishAll(Status status) {
        finishAll("boot", status);
    }

    /** Every run submitted and not yet finished ends with one test of this path and status. */
    void finishAll(String path, Status status) {
        finishAll(path, status, null);
    }

    /** Every run submitted and not yet finished ends with one test of this path and status, and this log excerpt. */
    void finishAll(String path, Status status, String logExcerpt) {
        for (var request : submitted) {
            finished.putIfAbsent(request.runId(), KcidbData.of(List.of(), List.of(),
                    List.of(Test.of(name + ":" + request.runId(), null, name, path, status).withLog(null, logExcerpt))));
        }
    }

    /** One KTAP case as the command lab reports it: its path, status, and its own words when it failed. */
    record Case(String path, Status status, String excerpt) {
    }

    /**
     * Every run of {@code commit} submitted and not yet finished ends with these cases, reported
     * as the command lab reports them (origin {@code labgate}, ids from the run, the log labgate serves).
     */
    void finish(String commit, List<Case> cases) {
        for (var request : submitted) {
            if (!request.commit().equals(commit) || finished.containsKey(request.runId())) {
                continue;
            }
            var tests = new ArrayList<Test>();
            for (int i = 0; i < cases.size(); i++) {
                var c = cases.get(i);
                tests.add(Test.of("labgate:" + request.runId() + ".ktap." + (i + 1), "labgate:" + request.runId()
                        + ".build", "labgate", c.path(), c.status()).withLog("https://labgate.example/runs/"
                        + request.runId() + "/log", c.excerpt()));
            }
            finished.put(request.runId(), KcidbData.of(List.of(Checkout.of("labgate:" + request.runId(), "labgate")),
                    List.of(Build.of("labgate:" + request.runId() + ".build", "labgate:" + request.runId(), "labgate")
                            .withStatus(Status.PASS)), tests));
        }
    }

    boolean unfinished(String runId) {
        return submitted.stream().anyMatch(r -> r.runId().equals(runId)) && !finished.containsKey(runId);
    }

    List<TreeRequest> submitted() {
        return List.copyOf(submitted);
    }

    List<String> cancelled() {
        return List.copyOf(cancelled);
    }

    @Override
    public void release(Subject subject) {
        released.add(subject.key());
    }

    List<String> released() {
        return List.copyOf(released);
    }
}
