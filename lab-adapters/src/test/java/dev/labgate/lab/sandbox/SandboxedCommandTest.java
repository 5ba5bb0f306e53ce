package dev.labgate.lab.sandbox;

import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.event.Subject;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.kcidb.Test;
import dev.labgate.core.lab.LabProgress;
import dev.labgate.core.lab.LabRun;
import dev.labgate.core.lab.TreeRequest;
import dev.labgate.lab.command.CommandLab;
import dev.labgate.lab.command.CommandSettings;
import dev.labgate.lab.git.TreeFetcher;
import dev.labgate.testkit.TestClock;
import dev.labgate.testkit.TestRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Commands from a change's tree, run by the command lab in the real bubblewrap sandbox, trying what
 * an attacker would: reading labgate's environment, files and processes, reaching the network, and
 * exhausting processes, output, disk and CPU. The test JVM's environment holds
 * {@code LABGATE_TEST_SECRET} (lab-adapters/pom.xml), as the service's holds its tokens.
 */
class SandboxedCommandTest {

    static final String SECRET = "labgate-test-secret-5b1f0c9e";

    @TempDir
    Path dir;
    TestRepository forge;
    TreeFetcher fetcher;
    ExecutorService executor;
    final TestClock clock = new TestClock(Instant.parse("2026-01-01T10:00:00Z"));
    String head;

    @BeforeEach
    void setUp() {
        assertThat(System.getenv("LABGATE_TEST_SECRET")).as("set by lab-adapters/pom.xml").isEqualTo(SECRET);
        forge = TestRepository.create(dir.resolve("forge"), "example-org/linux");
        head = forge.commit("refs/pull/3/head", null, "a change", Map.of("README", "a kernel\n"));
        fetcher = new TreeFetcher(dir.resolve("data/git"));
        executor = Executors.newFixedThreadPool(2);
    }

    @AfterEach
    void tearDown() {
        executor.shutdownNow();
        forge.close();
    }

    CommandLab lab(String command, Limits limits, boolean network) {
        var sandbox = RealBubblewrap.sandbox(dir.resolve("check"), network, List.of());
        return new CommandLab("local", new CommandSettings(command, Duration.ofMinutes(5), Map.of("LAB_SETTING", "x"),
                1 << 20, limits), sandbox, dir.resolve("data/work/local"), fetcher, executor, clock);
    }

    static Limits limits(int processes, long output, long disk, Optional<Duration> cpu) {
        return new Limits(cpu, Optional.empty(), processes, output, disk);
    }

    static final Limits ROOMY = limits(256, 16 << 20, 256 << 20, Optional.empty());

    TreeRequest request(String runId) {
        return new TreeRequest(runId, new Subject.Change(new ChangeRef(new RepoRef("github", "example-org/linux"), 3)),
                TestRepository.gitUrl(dir.resolve("forge")) + "example-org/linux.git", "refs/pull/3/head", head, null,
                List.of(), List.of());
    }

    String output(String runId) throws IOException {
        return Files.readString(dir.resolve("data/work/local/" + runId + "/output.log"));
    }

    @org.junit.jupiter.api.Test
    void the_command_sees_only_its_checkout_the_system_and_the_variables_it_is_handed() throws Exception {
        var data = dir.resolve("data");
        Files.createDirectories(data);
        Files.writeString(data.resolve("callback.key"), SECRET);
        Files.writeString(data.resolve("labgate.mv.db"), SECRET);
        try (var labgatePort = new ServerSocket(0)) {
            var lab = lab("""
                    echo "== env"; env | sort
                    echo "== root"; ls -a /
                    echo "== pid 1"; tr '\\0' '\\n' < /proc/1/environ
                    echo "== parent $PPID"; tr '\\0' '\\n' < /proc/$PPID/environ
                    echo "== processes"; ls /proc | grep -E '^[0-9]+$' | tr '\\n' ' '; echo
                    echo "== id"; id -u
                    echo "== git"; git log --format=%%H -1 || echo "git: failed"
                    for f in %1$s %1$s/callback.key %1$s/labgate.mv.db %2$s; do
                      cat "$f" > /dev/null 2>&1 && echo "READ $f" || echo "cannot read $f"
                      ls "$f" > /dev/null 2>&1 && echo "LISTED $f" || echo "cannot list $f"
                    done
                    for port in %3$d 22 80; do
                      bash -c "echo > /dev/tcp/127.0.0.1/$port" 2>/dev/null && echo "CONNECTED $port" \
                        || echo "cannot connect $port"
                    done
                    touch /usr/x 2>/dev/null && echo "WROTE /usr" || echo "cannot write /usr"
                    touch /x 2>/dev/null && echo "WROTE /" || echo "cannot write /"
                    unshare --user true 2>/dev/null && echo "MADE A USER NAMESPACE" || echo "cannot make a user namespace"
                    touch written-in-tree && echo "wrote the tree"
                    """.formatted(data, dir.resolve("forge"), labgatePort.getLocalPort()), ROOMY, false);

            var results = finish(lab, lab.submit(request("run-1")));

            var out = output("run-1");
            assertThat(results.tests()).extracting(Test::status).as(out).containsExactly(Status.PASS);
            assertThat(out).doesNotContain(SECRET).doesNotContain("READ ", "LISTED ", "CONNECTED", "WROTE",
                    "MADE A USER NAMESPACE");
            assertThat(section(out, "env")).containsExactly("HOME=/tmp", "LABGATE_BASE_COMMIT=",
                    "LABGATE_COMMIT=" + head, "LABGATE_REPOSITORY=example-org/linux", "LABGATE_RUN_ID=run-1",
                    "LABGATE_TESTS=", "LAB_SETTING=x", "PATH=" + Sandbox.PATH, "PWD=/labgate/tree");
            assertThat(section(out, "root")).containsExactlyInAnyOrder(".", "..", "bin", "dev", "etc", "labgate",
                    "lib", "lib64", "proc", "sbin", "tmp", "usr").as("only what exists on this host")
                    .doesNotContain("root", "home", "var", "work");
            assertThat(section(out, "pid 1")).as("bubblewrap's own environment, built from nothing")
                    .containsExactly("PATH=" + Sandbox.PATH);
            assertThat(section(out, "parent 1")).containsExactly("PATH=" + Sandbox.PATH);
            assertThat(section(out, "processes").get(0).trim().split(" ")).as("its own processes only")
                    .allSatisfy(pid -> assertThat(Integer.parseInt(pid)).isLessThan(20));
            assertThat(section(out, "id")).containsExactly("1000");
            assertThat(section(out, "git")).containsExactly(head);
            assertThat(out).contains("cannot read " + data.resolve("callback.key"), "cannot connect "
                    + labgatePort.getLocalPort(), "wrote the tree");
        }
    }

    @org.junit.jupiter.api.Test
    void a_lab_granted_the_network_reaches_the_host_as_the_same_probe_shows() throws Exception {
        try (var port = new ServerSocket(0)) {
            var lab = lab("bash -c 'echo > /dev/tcp/127.0.0.1/%d' && echo CONNECTED".formatted(port.getLocalPort()),
                    ROOMY, true);

            var results = finish(lab, lab.submit(request("net")));

            assertThat(command(results).status()).as(output("net")).isEqualTo(Status.PASS);
            assertThat(output("net")).contains("CONNECTED");
        }
    }

    /** The lines after {@code == <name>} up to the next section. */
    static List<String> section(String output, String name) {
        var lines = output.lines().toList();
        var from = lines.indexOf("== " + name) + 1;
        assertThat(from).as("section " + name + " in\n" + output).isPositive();
        var to = from;
        while (to < lines.size() && !lines.get(to).startsWith("== ") && !lines.get(to).startsWith("cannot ")
                && !lines.get(to).startsWith("READ ")) {
            to++;
        }
        return lines.subList(from, to);
    }

    @org.junit.jupiter.api.Test
    void a_fork_bomb_is_stopped_at_the_process_limit_while_another_run_finishes() {
        // bash retries a fork that fails (dash gives up), so this one stays at the limit until stopped.
        var bomb = lab("bash -c 'f() { f & f; }; f'", limits(64, 16 << 20, 256 << 20, Optional.empty()), false);
        var calm = lab("sleep 1; echo calm", ROOMY, false);
        var bombRun = bomb.submit(request("bomb"));
        var calmRun = calm.submit(request("calm"));

        assertThat(command(finish(bomb, bombRun))).satisfies(t -> {
            assertThat(t.status()).isEqualTo(Status.ERROR);
            assertThat(t.misc()).containsEntry("comment", "stopped: reached the lab's limit of 64 processes and threads");
        });
        assertThat(command(finish(calm, calmRun)).status()).isEqualTo(Status.PASS);
    }

    @org.junit.jupiter.api.Test
    void an_output_flood_is_cut_at_the_output_limit_and_the_run_is_an_error() throws Exception {
        var lab = lab("yes 'a flood of output'", limits(64, 1 << 20, 256 << 20, Optional.empty()), false);

        var result = command(finish(lab, lab.submit(request("flood"))));

        assertThat(result.status()).isEqualTo(Status.ERROR);
        assertThat(result.misc()).containsEntry("comment", "stopped: printed more than the lab's limit of 1M");
        assertThat(Files.size(dir.resolve("data/work/local/flood/output.log"))).isEqualTo(1 << 20);
    }

    @org.junit.jupiter.api.Test
    void a_disk_filler_is_stopped_past_the_disk_limit_and_what_it_wrote_is_removed() {
        var lab = lab("""
                i=0
                while :; do
                  head -c 1048576 /dev/zero > fill-$i
                  head -c 1048576 /dev/zero > /tmp/fill-$i
                  i=$((i + 1)); sleep 0.05
                done""", limits(64, 1 << 20, 8 << 20, Optional.empty()), false);

        var result = command(finish(lab, lab.submit(request("filler"))));

        assertThat(result.status()).isEqualTo(Status.ERROR);
        assertThat(result.misc()).containsEntry("comment",
                "stopped: wrote more than the lab's limit of 8M (the checkout and /tmp together)");
        assertThat(dir.resolve("data/work/local/filler/tree")).doesNotExist();
        assertThat(dir.resolve("data/work/local/filler/tmp")).doesNotExist();
    }

    @org.junit.jupiter.api.Test
    void one_file_bigger_than_the_disk_limit_is_refused_by_the_kernel() {
        var lab = lab("head -c 16777216 /dev/zero > big", limits(64, 1 << 20, 8 << 20, Optional.empty()), false);

        var result = command(finish(lab, lab.submit(request("big"))));

        assertThat(result.status()).isEqualTo(Status.ERROR);
        assertThat(result.misc()).containsEntry("comment",
                "stopped: wrote more than the lab's limit of 8M (the checkout and /tmp together)");
    }

    @org.junit.jupiter.api.Test
    void a_command_past_its_cpu_time_is_stopped() {
        var lab = lab("while :; do :; done", limits(64, 1 << 20, 8 << 20, Optional.of(Duration.ofSeconds(1))), false);

        var result = command(finish(lab, lab.submit(request("spin"))));

        assertThat(result.status()).isEqualTo(Status.ERROR);
        assertThat(result.misc()).containsEntry("comment", "stopped: used more than the lab's limit of 1s of CPU time");
    }

    @org.junit.jupiter.api.Test
    void cancelling_kills_every_process_of_the_sandbox() throws Exception {
        var lab = lab("sleep 600 & sleep 600 & (sleep 600 &) ; wait", ROOMY, false);
        var run = lab.submit(request("cancel"));
        // The wrapper writes its pid file itself, so it may come a moment after the run is running.
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(dir.resolve(
                "data/work/local/cancel/sandbox.json")) && lab.poll(run) instanceof LabProgress.Running
                && Files.exists(dir.resolve("data/work/local/cancel/pid"))
                && !Files.readString(dir.resolve("data/work/local/cancel/pid")).isBlank());
        var wrapper = ProcessHandle.of(Long.parseLong(Files.readString(dir.resolve("data/work/local/cancel/pid"))
                .trim())).orElseThrow();
        await().atMost(Duration.ofSeconds(10)).until(() -> wrapper.descendants().filter(p -> p.info().command()
                .orElse("").endsWith("sleep")).count() == 3);
        var processes = wrapper.descendants().toList();

        lab.cancel(run);

        await().atMost(Duration.ofSeconds(10)).until(() -> processes.stream().noneMatch(ProcessHandle::isAlive));
        assertThat(command(finish(lab, run)).status()).isEqualTo(Status.SKIP);
    }

    static Test command(KcidbData results) {
        return results.tests().stream().filter(t -> t.path().equals("command")).findFirst().orElseThrow();
    }

    static KcidbData finish(CommandLab lab, LabRun run) {
        var progress = new LabProgress[1];
        await().atMost(Duration.ofSeconds(60)).until(() -> (progress[0] = lab.poll(run)) instanceof LabProgress.Finished);
        return ((LabProgress.Finished) progress[0]).results();
    }
}
