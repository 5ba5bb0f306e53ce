package dev.labgate.bot;

import dev.labgate.bot.store.JdbcRunStore;
import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.RepoRef;
import dev.labgate.testkit.FakeHttpServer;
import dev.labgate.testkit.FakeLava;
import dev.labgate.testkit.FakeMaestro;
import dev.labgate.testkit.TestRepository;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Measures what the service adds on a lab's two paths, in the running service (in this JVM) against
 * a fake GitHub and a fake LAVA on loopback: from an admitted change's delivery to the lab's submit
 * call, and from the lab's final answer (its callback, or the poll that finds the job finished) to
 * the final commit status. Not a test: run it as docs/benchmarks.md says ("Labs in the service").
 */
public final class LabPathsHarness {

    private static final String BASE = "b".repeat(40);
    private static final List<FakeLava.Case> CASES = List.of(FakeLava.Case.job("pass", null, null),
            FakeLava.Case.of("smoke", "uname", "pass"));

    private final FakeLava lava;
    private final FakeMaestro maestro;
    private final RunningLabgate labgate;
    private final Scenario scenario;
    private int number;

    private LabPathsHarness(Scenario scenario, FakeLava lava, FakeMaestro maestro, RunningLabgate labgate) {
        this.scenario = scenario;
        this.lava = lava;
        this.maestro = maestro;
        this.labgate = labgate;
    }

    public static void main(String[] args) throws Exception {
        if (System.getenv("LABGATE_TEST_LAVA_TOKEN") == null || System.getenv("LABGATE_TEST_KERNELCI_TOKEN") == null) {
            System.err.println("set LABGATE_TEST_LAVA_TOKEN and LABGATE_TEST_KERNELCI_TOKEN (the policy names them; "
                    + "the KernelCI one must look like a JWT)");
            System.exit(64);
        }
        var callbacks = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        var polls = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        var root = Files.createTempDirectory("labgate-lab-paths");
        try (var scenario = new Scenario(root, "true");
             var lava = new FakeLava(System.getenv("LABGATE_TEST_LAVA_TOKEN"));
             var labRepository = TestRepository.create(root.resolve("lab"), "kernelci/linux")) {
            labRepository.commit("refs/heads/master", null, "the lab's own history", Map.of("README", "lab\n"));
            var treeUrl = labRepository.directory().toUri().toString();
            var maestro = new FakeMaestro(System.getenv("LABGATE_TEST_KERNELCI_TOKEN")).tree("kernelci", treeUrl)
                    .jobs("baseline-x86").platforms("qemu-x86");
            Files.writeString(root.resolve("boot.yaml"), FakeLava.SMOKE_TEMPLATE);
            Files.writeString(scenario.root.resolve("policy.yml"), """
                    repositories:
                      - github: %1$s
                    trust:
                      min-permission: write
                    labs:
                      lava-callback: {type: lava, url: '%2$s', token-env: LABGATE_TEST_LAVA_TOKEN, template: '%3$s',
                                      artifacts-url: 'https://files.example.org/k', poll-interval: 1h}
                      lava-poll: {type: lava, url: '%2$s', token-env: LABGATE_TEST_LAVA_TOKEN, template: '%3$s',
                                  artifacts-url: 'https://files.example.org/k', poll-interval: 1s}
                      kernelci: {type: kernelci, pipeline-url: '%4$s', api-url: '%4$s',
                                 token-env: LABGATE_TEST_KERNELCI_TOKEN, tree-url: '%5$s', branch: master,
                                 jobfilter: [baseline-x86], platformfilter: [qemu-x86], poll-interval: 1s}
                    plans:
                      - {name: callback, lab: lava-callback, paths: ['callback.txt']}
                      - {name: poll, lab: lava-poll, paths: ['poll.txt']}
                      - {name: kernelci, lab: kernelci, paths: ['kernel.txt']}
                    """.formatted(Scenario.REPO, lava.url(), root.resolve("boot.yaml"), maestro.url(), treeUrl));
            var properties = RunningLabgate.reachableAtItsPublicUrl(scenario.properties());
            // The production default, not the tests' faster one.
            properties.put("labgate.work.polling-interval", "2s");
            scenario.github.permission(Scenario.REPO, "alice", "write");
            try (var labgate = new RunningLabgate(properties)) {
                var harness = new LabPathsHarness(scenario, lava, maestro, labgate);
                harness.measure(20, true);
                harness.kernelCi(5);
                var submit = new ArrayList<Long>();
                var callback = new ArrayList<Long>();
                var callbackAnswer = new ArrayList<Long>();
                for (var times : harness.measure(callbacks, true)) {
                    submit.add(times[0]);
                    callback.add(times[1]);
                    callbackAnswer.add(times[2]);
                }
                var poll = new ArrayList<Long>();
                for (var times : harness.measure(polls, false)) {
                    submit.add(times[0]);
                    poll.add(times[1]);
                }
                var kernelCiSubmit = new ArrayList<Long>();
                var kernelCiPoll = new ArrayList<Long>();
                for (var times : harness.kernelCi(polls)) {
                    kernelCiSubmit.add(times[0]);
                    kernelCiPoll.add(times[1]);
                }
                System.out.println(line("approved change to LAVA submit call", submit));
                System.out.println(line("LAVA callback answered (checked, poll made due, 202)", callbackAnswer));
                System.out.println(line("LAVA callback to final status", callback));
                System.out.println(line("LAVA poll that finds the job finished to final status", poll));
                System.out.println(line("approved change to KernelCI checkout call", kernelCiSubmit));
                System.out.println(line("KernelCI poll that finds the tree done to final status", kernelCiPoll));
            } finally {
                maestro.close();
            }
        }
    }

    /**
     * For each change: {nanoseconds from delivery to submit, nanoseconds from the lab's answer to the
     * status, nanoseconds LAVA waited for labgate's answer to the callback (0 when polled)}.
     */
    private List<long[]> measure(int changes, boolean byCallback) throws Exception {
        var all = new ArrayList<long[]>();
        for (int i = 0; i < changes; i++) {
            var n = ++number;
            var head = String.format("%040x", n);
            scenario.github.openChange(Scenario.REPO, n, "alice", head, BASE, false,
                    List.of(byCallback ? "callback.txt" : "poll.txt"), List.of(head));
            var jobsBefore = lava.jobs().size();
            var delivered = System.nanoTime();
            labgate.postGitHub("pull_request", "bench-" + n, Fixtures.pullRequest("opened", Scenario.REPO, n, "alice",
                    head, BASE, false), Scenario.SECRET);
            await(() -> lava.jobs().size() > jobsBefore);
            var submitted = lastNanos(lava.requests(), "POST", "/api/v0.2/jobs/");
            var job = lava.jobs().get(jobsBefore).id();
            var key = new ChangeRef(new RepoRef("github", Scenario.REPO), n).key();
            await(() -> labgate.bean(JdbcRunStore.class).forHead(key, head).stream().allMatch(r -> r.labRun() != null));
            lava.finish(job, "Complete", null, CASES);
            long answered;
            long waited = 0;
            if (byCallback) {
                answered = System.nanoTime();
                if (lava.sendCallback(job) != 202) {
                    throw new IllegalStateException("the callback was refused");
                }
                waited = System.nanoTime() - answered;
            } else {
                answered = -1;
            }
            await(() -> finalStatus(head) > 0);
            if (!byCallback) {
                var finishedAt = System.nanoTime();
                answered = lava.requests().stream()
                        .filter(r -> r.method().equals("GET") && r.path().equals("/api/v0.2/jobs/" + job + "/"))
                        .mapToLong(FakeHttpServer.Request::receivedNanos).filter(t -> t < finishedAt).max().orElseThrow();
            }
            all.add(new long[]{submitted - delivered, finalStatus(head) - answered, waited});
        }
        return all;
    }

    /**
     * KernelCI, polled: for each change a new commit in the forge's repository, which labgate
     * fetches and pushes to the lab-facing repository before it asks for the checkout.
     */
    private List<long[]> kernelCi(int changes) throws Exception {
        var all = new ArrayList<long[]>();
        for (int i = 0; i < changes; i++) {
            var n = ++number;
            var head = scenario.git.commit("refs/pull/" + n + "/head", scenario.base, "change " + n,
                    Map.of("README", "a kernel\n", "kernel.txt", "change " + n + "\n"));
            scenario.github.openChange(Scenario.REPO, n, "alice", head, scenario.base, false, List.of("kernel.txt"),
                    List.of(head));
            var checkoutsBefore = maestro.checkoutRequests().size();
            var delivered = System.nanoTime();
            labgate.postGitHub("pull_request", "bench-" + n, Fixtures.pullRequest("opened", Scenario.REPO, n, "alice",
                    head, scenario.base, false), Scenario.SECRET);
            await(() -> maestro.checkoutRequests().size() > checkoutsBefore);
            var submitted = lastNanos(maestro.requests(), "POST", "/api/checkout");
            var key = new ChangeRef(new RepoRef("github", Scenario.REPO), n).key();
            await(() -> labgate.bean(JdbcRunStore.class).forHead(key, head).stream().allMatch(r -> r.labRun() != null));
            var treeId = labgate.bean(JdbcRunStore.class).forHead(key, head).get(0).labRun().externalId().split(":")[0];
            var checkout = maestro.checkout(treeId).path("id").asText();
            var build = maestro.add(checkout, "kbuild", "kbuild-gcc-12-x86", "kubernetes");
            maestro.set(build, "done", "pass", null);
            var job = maestro.add(build, "job", "baseline-x86", "qemu-x86");
            maestro.set(maestro.add(job, "test", "login", "qemu-x86"), "done", "pass", null);
            maestro.set(job, "done", "pass", null);
            maestro.set(checkout, "done", "pass", null);
            await(() -> finalStatus(head) > 0);
            var reported = finalStatus(head);
            var answered = maestro.requests().stream()
                    .filter(r -> r.method().equals("GET") && r.path().equals("/latest/nodes/fast"))
                    .mapToLong(FakeHttpServer.Request::receivedNanos).filter(t -> t < reported).max().orElseThrow();
            all.add(new long[]{submitted - delivered, reported - answered});
        }
        return all;
    }

    private long finalStatus(String head) {
        return scenario.github.requests().stream()
                .filter(r -> r.method().equals("POST") && r.path().endsWith("/statuses/" + head)
                        && !r.body().contains("\"pending\""))
                .mapToLong(FakeHttpServer.Request::receivedNanos).findFirst().orElse(-1);
    }

    private static long lastNanos(List<FakeHttpServer.Request> requests, String method, String path) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().equals(path))
                .mapToLong(FakeHttpServer.Request::receivedNanos).max().orElseThrow();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        var deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gave up waiting after 60 s");
            }
            Thread.sleep(0, 200_000);
        }
    }

    private static String line(String what, List<Long> nanos) {
        var sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return String.format(Locale.ROOT, "%-55s n=%d p50=%.1f ms p99=%.1f ms max=%.1f ms", what, sorted.size(),
                sorted.get(sorted.size() / 2) / 1e6, sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1) / 1e6,
                sorted.get(sorted.size() - 1) / 1e6);
    }
}
