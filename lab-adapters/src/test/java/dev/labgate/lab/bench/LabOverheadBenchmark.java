package dev.labgate.lab.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.event.Subject;
import dev.labgate.core.lab.LabProgress;
import dev.labgate.core.lab.LabRun;
import dev.labgate.core.lab.TreeRequest;
import dev.labgate.lab.kernelci.KernelCiLab;
import dev.labgate.lab.kernelci.KernelCiSettings;
import dev.labgate.lab.kernelci.MaestroNodes;
import dev.labgate.lab.git.TreeFetcher;
import dev.labgate.lab.lava.LavaLab;
import dev.labgate.lab.lava.LavaSettings;
import dev.labgate.testkit.FakeLava;
import dev.labgate.testkit.FakeMaestro;
import dev.labgate.testkit.TestRepository;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * What the lab adapters add per call, against the fakes on loopback: a KernelCI submit (fetch of a
 * new head, JGit push, in-flight lookup, checkout request), a KernelCI poll of a finished tree of
 * 489 nodes to KCIDB, a LAVA submit (lookup, template, YAML, POST), a LAVA poll of a finished job
 * with 200 cases and the same job's callback to KCIDB. Run as docs/benchmarks.md says.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
// The JDK's HttpServer (the fakes) would otherwise hold small answers back for the client's delayed ACK (Nagle).
@Fork(value = 1, jvmArgsAppend = "-Dsun.net.httpserver.nodelay=true")
public class LabOverheadBenchmark {

    static final String TOKEN = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJsYWJnYXRlLXRlc3QiLCJlbWFpbCI6ImxhYmdhdGVAZXhh"
            + "bXBsZS5vcmciLCJwZXJtaXNzaW9ucyI6WyJjaGVja291dCJdfQ.c2lnbmF0dXJl";
    static final byte[] KEY = "a callback key of thirty-two bytes or more".getBytes(StandardCharsets.UTF_8);
    static final Subject CHANGE = new Subject.Change(new ChangeRef(new RepoRef("github", "example-org/linux"), 12));

    /** A KernelCI lab, its fakes and repositories, and a finished tree to poll. */
    @State(Scope.Benchmark)
    public static class KernelCi {
        Path dir;
        TestRepository forge;
        TestRepository labRepository;
        FakeMaestro maestro;
        KernelCiLab lab;
        String head;
        String lastCheckout;
        LabRun finishedRun;
        List<JsonNode> finishedNodes;
        final AtomicInteger runs = new AtomicInteger();

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            dir = Files.createTempDirectory("labgate-bench-kernelci");
            forge = TestRepository.create(dir.resolve("forge"), "example-org/linux");
            head = forge.commit("refs/pull/12/head", null, "base", Map.of("Makefile", "all:\n"));
            labRepository = TestRepository.create(dir.resolve("lab"), "kernelci/linux");
            var treeUrl = labRepository.directory().toUri().toString();
            maestro = new FakeMaestro(TOKEN).tree("kernelci", treeUrl).jobs("baseline-x86").platforms("qemu-x86");
            lab = new KernelCiLab("kernelci", new KernelCiSettings(maestro.url().toString(), maestro.url().toString(),
                    TOKEN, treeUrl, null, null, null, "master", List.of("baseline-x86"), List.of("qemu-x86"),
                    Duration.ofSeconds(30), null), new TreeFetcher(dir.resolve("mirrors")), dir.resolve("scratch"),
                    maestro.clock());
            finishedRun = lab.submit(request(head));
            var checkout = maestro.checkout(finishedRun.externalId().split(":")[0]).path("id").asText();
            for (int b = 0; b < 8; b++) {
                var build = maestro.add(checkout, "kbuild", "kbuild-gcc-12-" + b, "kubernetes");
                maestro.artifact(build, "build_log", "https://storage.example.org/" + b + "/build.log");
                for (int j = 0; j < 10; j++) {
                    var job = maestro.add(build, "job", "baseline-" + j, "qemu-x86");
                    maestro.artifact(job, "lava_log", "https://storage.example.org/" + b + "/" + j + "/log.txt.gz");
                    for (int t = 0; t < 5; t++) {
                        maestro.set(maestro.add(job, "test", "case" + t, "qemu-x86"), "done", t == 4 ? "fail" : "pass",
                                null);
                    }
                    maestro.set(job, "done", "pass", null);
                }
                maestro.set(build, "done", "pass", null);
            }
            maestro.set(checkout, "done", "pass", null);
            finishedNodes = new ArrayList<>();
            var poll = (LabProgress.Finished) lab.poll(finishedRun);
            if (poll.results().tests().size() != 480) {
                throw new IllegalStateException("the benchmark tree maps to " + poll.results().tests().size() + " tests");
            }
            new ObjectMapper().readTree(URI.create(maestro.url() + "/latest/nodes/fast?treeid="
                    + finishedRun.externalId().split(":")[0]).toURL()).forEach(finishedNodes::add);
            lastCheckout = checkout;
        }

        /** A new head on the change, and the previous checkout done, so that each submit starts a tree. */
        @Setup(Level.Invocation)
        public void newHead() {
            maestro.set(lastCheckout, "done", "pass", null);
            head = forge.commit("refs/pull/12/head", head, "head " + runs.incrementAndGet(),
                    Map.of("Makefile", "all:\n", "file" + runs.get(), "x\n"));
        }

        TreeRequest request(String commit) {
            return new TreeRequest("bench-" + runs.get(), CHANGE, TestRepository.gitUrl(dir.resolve("forge"))
                    + "example-org/linux.git", "refs/pull/12/head", commit, null, List.of(), List.of());
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            maestro.close();
            forge.close();
            labRepository.close();
            delete(dir);
        }
    }

    /** A LAVA lab and its fake, with a finished job of 200 cases. */
    @State(Scope.Benchmark)
    public static class Lava {
        FakeLava server;
        LavaLab lab;
        LabRun finishedRun;
        FakeLava.Callback callback;
        final AtomicInteger runs = new AtomicInteger();

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            server = new FakeLava("token");
            lab = new LavaLab("lava", new LavaSettings(server.url().toString(), "token", FakeLava.SMOKE_TEMPLATE, Map.of(),
                    "https://artifacts.example.org", "https://labgate.example.org", Duration.ofMinutes(1), null), KEY);
            finishedRun = lab.submit(request("finished"));
            var id = server.jobs().get(0).id();
            var cases = new ArrayList<FakeLava.Case>();
            cases.add(FakeLava.Case.job("pass", null, null));
            cases.add(FakeLava.Case.of("lava", "auto-login-action", "pass"));
            for (int i = 0; i < 198; i++) {
                cases.add(new FakeLava.Case("0_smoke", "case" + i, i % 50 == 0 ? "fail" : "pass",
                        Map.of("definition", "smoke", "case", "case" + i), null, null));
            }
            server.finish(id, "Complete", null, cases);
            callback = server.callback(id);
        }

        TreeRequest request(String runId) {
            return new TreeRequest(runId, CHANGE, "https://github.com/example-org/linux.git", "refs/pull/12/head",
                    "0123456789abcdef0123456789abcdef01234567", null, List.of(), List.of());
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            server.close();
        }
    }

    @Benchmark
    public LabRun kernelciSubmit(KernelCi state) {
        var run = state.lab.submit(state.request(state.head));
        state.lastCheckout = state.maestro.checkout(run.externalId().split(":")[0]).path("id").asText();
        return run;
    }

    @Benchmark
    public LabProgress kernelciPollFinishedTree(KernelCi state) {
        return state.lab.poll(state.finishedRun);
    }

    @Benchmark
    public Object kernelciMapTreeOnly(KernelCi state) {
        return new MaestroNodes("https://api.kernelci.org").toKcidb(state.finishedNodes);
    }

    @Benchmark
    public LabRun lavaSubmit(Lava state) {
        return state.lab.submit(state.request("bench-" + state.runs.incrementAndGet()));
    }

    @Benchmark
    public LabProgress lavaPollFinishedJob(Lava state) {
        return state.lab.poll(state.finishedRun);
    }

    @Benchmark
    public boolean lavaCallbackCheck(Lava state) {
        return state.lab.callback(state.finishedRun, state.callback.headers(), state.callback.body());
    }

    static void delete(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (var path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
