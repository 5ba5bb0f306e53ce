package dev.labgate.bot;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.labgate.bot.store.JdbcRunStore;
import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;
import dev.labgate.lab.sandbox.Bubblewrap;
import dev.labgate.lab.sandbox.SandboxSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The running service with command labs whose code attacks it from inside the sandbox: what a
 * pull request's {@code scripts/checkpatch.pl} could do. The service holds its webhook secret,
 * GitHub token and GitLab token as configuration and the lab tokens in its environment
 * (bot/pom.xml), as a deployment does.
 */
class SandboxServiceTest {

    @TempDir
    Path tmp;

    private Scenario scenario;
    private RunningLabgate labgate;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void requireASandbox() throws IOException {
        var setup = Bubblewrap.setUp(false, List.of(), Files.createDirectories(tmp.resolve("check")));
        assumeTrue(setup instanceof SandboxSetup.Ready, () -> "no sandbox on this host: "
                + ((SandboxSetup.Refused) setup).reason());
        log.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(log);
    }

    /** What was logged so far (the appender adds under its own lock, from whichever thread logs). */
    private List<ILoggingEvent> logged() {
        synchronized (log) {
            return List.copyOf(log.list);
        }
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(log);
        if (labgate != null) {
            labgate.close();
        }
        if (scenario != null) {
            scenario.close();
        }
    }

    /**
     * Starts the service with these labs and plans; in the labs, DATA, LABGATE_PORT, LABGATE_URL,
     * GITHUB_PORT and GITHUB_URL stand for where the service and the fake GitHub are.
     */
    private void start(String labs, String plans) throws IOException {
        scenario = new Scenario(tmp, "true");
        var properties = RunningLabgate.reachableAtItsPublicUrl(scenario.properties());
        var port = properties.get("micronaut.server.port").toString();
        Files.writeString(scenario.root.resolve("policy.yml"), """
                repositories:
                  - github: %s
                trust:
                  min-permission: write
                labs:
                %s
                plans:
                %s
                """.formatted(Scenario.REPO, labs.indent(2), plans.indent(2))
                .replace("DATA", tmp.resolve("data").toString()).replace("LABGATE_PORT", port)
                .replace("LABGATE_URL", "http://127.0.0.1:" + port)
                .replace("GITHUB_PORT", Integer.toString(scenario.github.url().getPort()))
                .replace("GITHUB_URL", scenario.github.url().toString()));
        labgate = new RunningLabgate(properties);
        scenario.github.permission(Scenario.REPO, "alice", "write");
    }

    private void open(long number, String author) {
        scenario.github.openChange(Scenario.REPO, number, author, scenario.head, scenario.base, false,
                List.of("hello.txt"), List.of(scenario.head));
        assertThat(labgate.postGitHub("pull_request", "d-" + number, Fixtures.pullRequest("opened", Scenario.REPO,
                number, author, scenario.head, scenario.base, false), Scenario.SECRET).statusCode()).isEqualTo(202);
    }

    private List<Run> runs(long number) {
        var key = new ChangeRef(new RepoRef("github", Scenario.REPO), number).key();
        return labgate.bean(JdbcRunStore.class).forHead(key, scenario.head);
    }

    private String output(Run run) throws IOException {
        return Files.readString(tmp.resolve("data/work/" + run.lab() + "/" + run.id() + "/output.log"));
    }

    /** Every secret the service holds, and its callback key as the file has it. */
    private List<String> secrets() {
        return List.of(Scenario.SECRET, "test-token", Scenario.GITLAB_TOKEN, LabsServiceTest.KERNELCI_TOKEN,
                LabsServiceTest.LAVA_TOKEN);
    }

    @Test
    void code_under_test_reaches_nothing_of_labgate_and_no_secret_leaves_the_service() throws Exception {
        var data = tmp.resolve("data");
        start("""
                local:
                  type: command
                  timeout: 2m
                  command: |
                    echo "== env"; env | sort
                    echo "== root"; ls -a /
                    echo "== pid 1"; tr '\\0' '\\n' < /proc/1/environ
                    echo "== parent $PPID"; tr '\\0' '\\n' < /proc/$PPID/environ
                    echo "== processes"; for p in /proc/[0-9]*; do echo "$p $(tr '\\0' ' ' < $p/cmdline)"; done
                    echo "== attempts"
                    for f in DATA DATA/callback.key DATA/labgate.mv.db DATA/git DATA/work; do
                      cat "$f" > /dev/null 2>&1 && echo "READ $f" || echo "cannot read $f"
                      ls "$f" > /dev/null 2>&1 && echo "LISTED $f" || echo "cannot list $f"
                    done
                    for port in LABGATE_PORT GITHUB_PORT; do
                      bash -c "echo > /dev/tcp/127.0.0.1/$port" 2>/dev/null && echo "CONNECTED $port" \\
                        || echo "cannot connect $port"
                    done
                    curl -s -m 5 LABGATE_URL/health > /dev/null && echo "REACHED labgate" || echo "cannot reach labgate"
                """, "- lab: local\n");
        var port = labgate.url().getPort();
        assertThat(data.resolve("callback.key")).exists();

        open(7, "alice");

        await().atMost(Duration.ofSeconds(60)).until(() -> !runs(7).isEmpty() && runs(7).get(0).state().isTerminal());
        await().atMost(Duration.ofSeconds(20)).until(() -> !scenario.github.comments(Scenario.REPO, 7).isEmpty());
        var run = runs(7).get(0);
        var out = output(run);
        assertThat(run.state()).as(out).isEqualTo(RunState.PASSED);
        assertThat(out).contains("cannot read " + data.resolve("callback.key"),
                "cannot read " + data.resolve("labgate.mv.db"), "cannot list " + data,
                "cannot connect " + port, "cannot connect " + scenario.github.url().getPort(), "cannot reach labgate");
        assertThat(out.lines()).as("the script's own text is in its /proc/1/cmdline: what it did starts a line")
                .noneMatch(line -> line.matches("(READ|LISTED|CONNECTED|REACHED) .*"));
        assertThat(out.lines().filter(l -> l.startsWith("/proc/")).toList()).as("its own processes only")
                .allSatisfy(line -> assertThat(line).doesNotContain("java", "labgate.jar", "surefire"));
        assertThat(SandboxedSections.of(out, "pid 1")).containsExactly("PATH=" + dev.labgate.lab.sandbox.Sandbox.PATH);
        assertThat(SandboxedSections.of(out, "env")).allSatisfy(line -> assertThat(line)
                .matches("(HOME|PATH|PWD|LABGATE_(RUN_ID|COMMIT|BASE_COMMIT|REPOSITORY|TESTS))=.*"));

        var page = labgate.get("/runs/" + run.id()).body();
        var comment = scenario.github.comments(Scenario.REPO, 7).get(0).body();
        var logged = logged().stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(page).contains("local passed");
        assertThat(comment).contains("[local](").contains(") passed.");
        for (var secret : secrets()) {
            assertThat(out).as("the command's output").doesNotContain(secret);
            assertThat(page).as("the run page").doesNotContain(secret);
            assertThat(comment).as("the summary comment").doesNotContain(secret);
            assertThat(logged).as("labgate's log").noneMatch(line -> line.contains(secret));
        }
    }

    @Test
    void code_under_test_cannot_forge_a_maintainers_approval_for_another_change() throws Exception {
        // What the attack of issue 13 did: find the webhook secret, sign "/labgate ok-to-test" on PR 8 as a
        // maintainer, deliver it to labgate. Here the code looks everywhere it could, and tries to deliver anyway.
        start("""
                local:
                  type: command
                  timeout: 2m
                  command: |
                    found=$( (env; cat /proc/*/environ; grep -rhs . /tmp /labgate /etc) 2>/dev/null \\
                      | tr '\\0' '\\n' | grep -E '^[A-Z_]*(WEBHOOK|SECRET|TOKEN)[A-Z_]*=' | head -3)
                    echo "found: [$found]"
                    body='{"action":"created","comment":{"body":"/labgate ok-to-test"},"issue":{"number":8}}'
                    sig=$(printf %s "$body" | openssl dgst -sha256 -hmac "${found:-guess}" | sed 's/.* //')
                    curl -s -m 5 -H "X-GitHub-Event: issue_comment" -H "X-Hub-Signature-256: sha256=$sig" \\
                      -d "$body" LABGATE_URL/webhooks/github && echo "DELIVERED" || echo "cannot deliver"
                    curl -s -m 5 -H "Authorization: token test-token" GITHUB_URL/user \\
                      && echo "CALLED GITHUB" || echo "cannot call github"
                """, "- lab: local\n");
        scenario.github.permission(Scenario.REPO, "mallory", "read");
        open(8, "mallory");
        await().atMost(Duration.ofSeconds(20)).until(() -> !runs(8).isEmpty());

        open(7, "alice");

        await().atMost(Duration.ofSeconds(60)).until(() -> !runs(7).isEmpty() && runs(7).get(0).state().isTerminal());
        var out = output(runs(7).get(0));
        assertThat(out).contains("found: []", "cannot deliver", "cannot call github");
        assertThat(out.lines()).noneMatch(line -> line.equals("DELIVERED") || line.equals("CALLED GITHUB"));
        assertThat(runs(8)).singleElement().satisfies(r -> assertThat(r.state()).as("still waits for a maintainer")
                .isEqualTo(RunState.AWAITING_APPROVAL));
    }

    @Test
    void a_fork_bomb_an_output_flood_and_a_disk_filler_each_end_as_their_runs_error_and_the_rest_carries_on()
            throws Exception {
        // retries: 0, because a run stopped at a limit is an error of the harness, which is otherwise retried.
        start("""
                bomb:
                  type: command
                  command: bash -c 'f() { f & f; }; f'
                  limits: {processes: 64}
                  retries: 0
                flood:
                  type: command
                  command: yes 'a flood of output'
                  limits: {output: 1M}
                  retries: 0
                filler:
                  type: command
                  command: 'i=0; while :; do head -c 1048576 /dev/zero > f$i; i=$((i + 1)); sleep 0.05; done'
                  limits: {disk: 8M}
                  retries: 0
                calm:
                  type: command
                  command: sleep 2; test -f hello.txt
                """, """
                - lab: bomb
                - lab: flood
                - lab: filler
                - lab: calm
                """);

        open(7, "alice");

        await().atMost(Duration.ofSeconds(120)).until(() -> runs(7).size() == 4
                && runs(7).stream().allMatch(r -> r.state().isTerminal()));
        var byLab = runs(7).stream().collect(java.util.stream.Collectors.toMap(Run::lab, r -> r));
        assertThat(byLab.get("calm").state()).isEqualTo(RunState.PASSED);
        assertThat(Stream.of("bomb", "flood", "filler").map(byLab::get)).allSatisfy(r -> assertThat(r.state())
                .as(r.lab()).isEqualTo(RunState.ERRORED));
        // The final status follows the run's end: on a busy machine it can come a moment later.
        await().atMost(Duration.ofSeconds(20)).until(() -> PullRequestFlowTest
                .finalStatuses(scenario.github, scenario.head).stream()
                .anyMatch(status -> status.context().equals("labgate/calm")));
        var statuses = PullRequestFlowTest.finalStatuses(scenario.github, scenario.head).stream()
                .collect(java.util.stream.Collectors.toMap(s -> s.context(), s -> s.description(), (a, b) -> b));
        assertThat(statuses.get("labgate/calm")).startsWith("Passed");
        await().atMost(Duration.ofSeconds(20)).until(() -> !scenario.github.comments(Scenario.REPO, 7).isEmpty()
                && !scenario.github.comments(Scenario.REPO, 7).get(0).body().contains("still running"));
        assertThat(scenario.github.comments(Scenario.REPO, 7).get(0).body())
                .contains("[calm](").contains(") passed").contains("infrastructure errors, code not judged");
        // Each run's page says which limit stopped it (the last line of its log excerpt).
        assertThat(Map.of("bomb", "reached the lab&#39;s limit of 64 processes and threads",
                "flood", "printed more than the lab&#39;s limit of 1M",
                "filler", "wrote more than the lab&#39;s limit of 8M")).allSatisfy((lab, reason) -> assertThat(
                labgate.get("/runs/" + byLab.get(lab).id()).body()).as(lab).contains("labgate: stopped: " + reason));
        assertThat(Files.size(tmp.resolve("data/work/flood/" + byLab.get("flood").id() + "/output.log")))
                .isLessThanOrEqualTo(1 << 20);
        assertThat(labgate.get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void a_lab_without_a_sandbox_is_refused_or_warned_about_loudly_at_every_start() throws Exception {
        start("""
                unsafe:
                  type: command
                  command: 'true'
                  sandbox: none
                broken:
                  type: command
                  command: 'true'
                  read-only: [/no/such/labgate/path]
                """, """
                - lab: unsafe
                - lab: broken
                """);
        // The labs are checked on the start thread, once the server listens: the last line of the start says so.
        await().atMost(Duration.ofSeconds(30)).until(() -> logged().stream()
                .anyMatch(e -> e.getFormattedMessage().startsWith("health: ")));
        var logged = logged().stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
        assertThat(logged).contains("WARN lab unsafe runs the change's code WITHOUT A SANDBOX (sandbox: none): it runs "
                + "as labgate's own user and can read labgate's secrets, database and keys, and act as labgate; only "
                + "for code as trusted as labgate itself");
        assertThat(logged).contains("WARN lab broken: no sandbox can start on this host: the read-only path "
                + "/no/such/labgate/path does not exist on this host; its runs will end with this reason until the "
                + "policy is fixed ('labgate config check' shows the same)");

        open(7, "alice");

        await().atMost(Duration.ofSeconds(60)).until(() -> runs(7).size() == 2
                && runs(7).stream().allMatch(r -> r.state().isTerminal()));
        var byLab = runs(7).stream().collect(java.util.stream.Collectors.toMap(Run::lab, r -> r));
        assertThat(byLab.get("unsafe").state()).isEqualTo(RunState.PASSED);
        assertThat(byLab.get("broken").state()).isEqualTo(RunState.ERRORED);
        assertThat(byLab.get("broken").note()).contains("the read-only path /no/such/labgate/path does not exist");
    }

    /** Sections of a command's output, as the sandbox tests print them. */
    static final class SandboxedSections {
        static List<String> of(String output, String name) {
            var lines = output.lines().toList();
            var from = lines.indexOf("== " + name) + 1;
            assertThat(from).as("section " + name).isPositive();
            var to = from;
            while (to < lines.size() && !lines.get(to).startsWith("== ")) {
                to++;
            }
            return lines.subList(from, to);
        }
    }
}
