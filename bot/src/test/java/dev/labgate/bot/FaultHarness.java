package dev.labgate.bot;

import dev.labgate.core.forge.Permission;
import dev.labgate.testkit.FakeForge;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Measures from outside how the service behaves while GitHub misbehaves, the way issue 17 was
 * measured: the jar runs as its own process on H2 against a fake GitHub on loopback, with a
 * command lab, and this program sends pull requests, makes the fake misbehave, kills the process,
 * and watches what the fake ends up showing. Three scenarios, one after another:
 *
 * <ol>
 *   <li><b>late writes</b>: for 60 s, half of labgate's writes get no answer and are applied 30 s
 *       later (a stale pending can land after the success): how many commits show pending at the end;</li>
 *   <li><b>recovery</b>: 92 s of 30 % 502 answers and 10 % secondary rate limits (Retry-After 1):
 *       how long after the faults end each run's final status is there (p50, p90, p99, max);</li>
 *   <li><b>crash</b>: the process is killed (-9) while it holds work and started again: how long
 *       until the new process takes the work over (from its log) and every run is reported.</li>
 * </ol>
 *
 * It also counts the stack-trace lines in the service's log during the faults. Not a test: run it
 * as docs/benchmarks.md says ("Resilience").
 */
public final class FaultHarness {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Scenario scenario;
    private final Path jar;
    private final Path data;
    private final int port;
    private Process service;
    private Path log;
    private int logs;
    private int number;

    private FaultHarness(Scenario scenario, Path jar, int port) {
        this.scenario = scenario;
        this.jar = jar;
        this.data = scenario.root.resolve("data");
        this.port = port;
    }

    public static void main(String[] args) throws Exception {
        var jar = Path.of(args.length > 0 ? args[0] : "bot/target/labgate.jar").toAbsolutePath();
        var root = Files.createTempDirectory("labgate-faults");
        try (var scenario = new Scenario(root, "sleep 3")) {
            scenario.github.permission(Scenario.REPO, "alice", Permission.Level.WRITE);
            var harness = new FaultHarness(scenario, jar, 18_000 + (int) (ProcessHandle.current().pid() % 1000));
            harness.start();
            var which = args.length > 1 ? List.of(args[1].split(",")) : List.of("late", "recovery", "crash");
            harness.warmUp();
            if (which.contains("late")) {
                harness.lateWrites(20);
            }
            if (which.contains("recovery")) {
                harness.recovery(50);
            }
            if (which.contains("crash")) {
                harness.crash(16);
            }
            harness.stop();
        }
    }

    private void warmUp() throws Exception {
        var shas = open(3);
        awaitFinal(shas, Duration.ofMinutes(2));
        System.out.println("warm-up: 3 changes reported");
    }

    private void lateWrites(int changes) throws Exception {
        var traces = traceLines();
        scenario.github.lateWrites(0.5, Duration.ofSeconds(30));
        var shas = open(changes);
        Thread.sleep(60_000);
        scenario.github.lateWrites(0, Duration.ZERO);
        // the last late writes land 30 s later; give the service time to read them back and repair
        Thread.sleep(90_000);
        awaitFinal(shas, Duration.ofMinutes(3));
        var pending = 0;
        for (var sha : shas) {
            if (latest(sha) != FakeForge.State.SUCCESS) {
                pending++;
            }
        }
        System.out.printf("late writes: %d of %d commits not showing success 2 minutes after the faults; "
                + "stack-trace lines in the log: %d%n", pending, changes, traceLines() - traces);
    }

    private void recovery(int changes) throws Exception {
        var traces = traceLines();
        var shas = new ArrayList<String>();
        scenario.github.chaos(0.3, 0.1);
        var faults = Duration.ofSeconds(92);
        var started = System.nanoTime();
        // the changes arrive spread over the faults, so that some are in flight when they end
        var done = new java.util.concurrent.ConcurrentHashMap<String, Long>();
        var watcher = new Thread(() -> watch(shas, done, Duration.ofMinutes(20)));
        watcher.setDaemon(true);
        watcher.start();
        for (int i = 0; i < changes; i++) {
            var at = started + faults.toNanos() * i / changes;
            sleep(Math.max(0, (at - System.nanoTime()) / 1_000_000));
            var opened = open(1);
            synchronized (shas) {
                shas.addAll(opened);
            }
        }
        sleep(Math.max(0, (started + faults.toNanos() - System.nanoTime()) / 1_000_000));
        scenario.github.chaos(0, 0);
        var end = System.nanoTime();
        watcher.join();
        var after = new ArrayList<Double>();
        for (var sha : shas) {
            after.add(Math.max(0, (done.getOrDefault(sha, Long.MAX_VALUE) - end) / 1e9));
        }
        Collections.sort(after);
        System.out.printf("recovery: %d changes over %d s of faults; final status after the faults ended: p50 %.1f s, "
                        + "p90 %.1f s, p99 %.1f s, max %.1f s (%d reported before they ended); stack-trace lines: %d%n",
                changes, faults.toSeconds(), at(after, 0.5), at(after, 0.9), at(after, 0.99),
                after.get(after.size() - 1), after.stream().filter(d -> d == 0).count(), traceLines() - traces);
    }

    /** Records when each commit first shows a final state that it keeps, until all do or time runs out. */
    private void watch(List<String> shas, Map<String, Long> done, Duration limit) {
        var deadline = System.nanoTime() + limit.toNanos();
        sleep(5_000);
        while (System.nanoTime() < deadline) {
            List<String> now;
            synchronized (shas) {
                now = List.copyOf(shas);
            }
            for (var sha : now) {
                var state = latest(sha);
                if (state == FakeForge.State.SUCCESS || state == FakeForge.State.FAILURE) {
                    done.putIfAbsent(sha, System.nanoTime());
                } else {
                    done.remove(sha);
                }
            }
            if (now.size() > 1 && done.size() == now.size() && !scenario.github.chaosOn()) {
                return;
            }
            sleep(200);
        }
    }

    private void crash(int changes) throws Exception {
        scenario.github.latency(Duration.ofMillis(300));
        var shas = open(changes);
        Thread.sleep(3_000);
        var killed = System.nanoTime();
        service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        scenario.github.latency(Duration.ZERO);
        start();
        var ready = System.nanoTime();
        var tookOver = awaitLog("taking over", Duration.ofMinutes(5));
        var done = awaitFinal(shas, Duration.ofMinutes(5));
        var last = done.values().stream().mapToLong(Long::longValue).max().orElse(killed);
        var waited = readLog().stream().anyMatch(l -> l.contains("waiting for it to miss its heartbeats"));
        System.out.printf("crash: killed with %d changes in flight; restarted and ready %.1f s after the kill; taken "
                        + "over %.1f s after the kill (%s); every run reported %.1f s after the kill; the wait was "
                        + "logged: %s%n", changes, (ready - killed) / 1e9,
                tookOver < 0 ? -1 : (tookOver - killed) / 1e9, tookOver < 0 ? "no take-over logged" : "logged",
                (last - killed) / 1e9, waited ? "yes" : "no");
    }

    private void start() throws IOException {
        log = scenario.root.resolve("service-" + (++logs) + ".log");
        var command = new ArrayList<String>(List.of("java", "-Xmx512m"));
        var properties = new HashMap<>(scenario.properties());
        properties.put("labgate.work.polling-interval", "2s");
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", jar.toString(), "serve", "--port", String.valueOf(port), "--data-dir",
                data.toString(), "--policy", scenario.root.resolve("policy.yml").toString()));
        service = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        var deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            try {
                var answer = HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/health")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            sleep(100);
        }
        throw new IllegalStateException("the service did not get ready; see " + log);
    }

    private void stop() throws InterruptedException {
        service.destroy();
        service.waitFor(30, TimeUnit.SECONDS);
    }

    /** Opens {@code count} pull requests, each with a new head, and delivers each; returns the heads. */
    private List<String> open(int count) throws Exception {
        var shas = new ArrayList<String>();
        for (int i = 0; i < count; i++) {
            var n = 100 + ++number;
            var head = scenario.git.commit("refs/pull/" + n + "/head", scenario.base, "change " + n,
                    Map.of("README", "a kernel\n", "change.txt", n + "\n"));
            scenario.github.openChange(Scenario.REPO, n, "alice", head, scenario.base, false, List.of("change.txt"),
                    List.of(head));
            var delivery = scenario.github.changeDelivery(Scenario.REPO, n, "opened");
            var request = HttpRequest.newBuilder(URI.create(base() + "/webhooks/github"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body()));
            scenario.github.deliveryHeaders(delivery, UUID.randomUUID().toString(), Scenario.SECRET)
                    .forEach(request::header);
            var answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 202) {
                throw new IllegalStateException("delivery refused: " + answer.statusCode() + " " + answer.body());
            }
            shas.add(head);
        }
        return shas;
    }

    /** When each commit first showed a final state, by polling the fake; waits until all do or time runs out. */
    private Map<String, Long> awaitFinal(List<String> shas, Duration limit) {
        var done = new HashMap<String, Long>();
        var deadline = System.nanoTime() + limit.toNanos();
        while (done.size() < shas.size() && System.nanoTime() < deadline) {
            for (var sha : shas) {
                var state = latest(sha);
                if (state == FakeForge.State.SUCCESS || state == FakeForge.State.FAILURE) {
                    done.putIfAbsent(sha, System.nanoTime());
                } else {
                    done.remove(sha);
                }
            }
            sleep(200);
        }
        return done;
    }

    private FakeForge.State latest(String sha) {
        var seen = scenario.github.statusesSeen(Scenario.REPO, sha);
        return seen.isEmpty() ? null : seen.get(seen.size() - 1).state();
    }

    private long awaitLog(String text, Duration limit) {
        var deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (readLog().stream().anyMatch(l -> l.contains(text))) {
                return System.nanoTime();
            }
            sleep(100);
        }
        return -1;
    }

    private List<String> readLog() {
        try {
            return Files.readAllLines(log);
        } catch (IOException e) {
            return List.of();
        }
    }

    private long traceLines() {
        return readLog().stream().filter(l -> l.startsWith("\tat ") || l.startsWith("Caused by")).count();
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private static double at(List<Double> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
