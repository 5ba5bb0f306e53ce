package dev.labgate.bot.cli;

import dev.labgate.bot.Labgate;
import dev.labgate.core.forge.Permission;
import dev.labgate.lab.sandbox.Bubblewrap;
import dev.labgate.lab.sandbox.Sandbox;
import dev.labgate.lab.sandbox.SandboxSetup;
import dev.labgate.testkit.FakeForge;
import dev.labgate.testkit.FakeGitHub;
import dev.labgate.testkit.TestRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code labgate action} in a process of its own, with a GitHub Actions job's environment (the
 * job's token, a lab token, the files GitHub gives a step to write its outputs to), running a
 * pull request's code on the command lab: the "pwn request" of a {@code pull_request_target}
 * workflow. The code looks for everything and reaches nothing.
 */
class ActionSandboxTest {

    static final String JOB_TOKEN = "ghs_jobtoken0123456789abcdefABCDEF";
    static final String LAB_TOKEN = "lava-job-token-8c1d";

    @TempDir
    Path dir;

    @Test
    void the_pull_requests_code_gets_none_of_the_jobs_token_files_or_network() throws Exception {
        var setup = Bubblewrap.setUp(false, List.of(), dir.resolve("check"));
        assumeTrue(setup instanceof SandboxSetup.Ready, () -> "no sandbox on this host: "
                + ((SandboxSetup.Refused) setup).reason());
        var repos = dir.resolve("repos");
        var job = Files.createDirectories(dir.resolve("runner/_temp"));
        try (var github = new FakeGitHub("labgate-bot").acceptToken(JOB_TOKEN);
             var repo = TestRepository.create(repos, "acme/linux")) {
            var base = repo.commit("refs/heads/master", null, "base", Map.of("README", "base\n"));
            var head = repo.commit("refs/pull/3/head", base, "change", Map.of("README", "base\n", "x.c", "x\n"));
            github.gitUrl(TestRepository.gitUrl(repos));
            github.openChange("acme/linux", 3, "alice", head, base, true, List.of("x.c"), List.of(head));
            github.permission("acme/linux", "alice", Permission.Level.WRITE);
            Files.write(job.resolve("event.json"), github.changeDelivery("acme/linux", 3, "opened").body());
            var files = Map.of("GITHUB_OUTPUT", job.resolve("output"), "GITHUB_ENV", job.resolve("env"),
                    "GITHUB_PATH", job.resolve("path"), "GITHUB_STEP_SUMMARY", job.resolve("summary.md"));
            for (var file : files.values()) {
                Files.writeString(file, "");
            }
            Files.writeString(dir.resolve("policy.yml"), """
                    repositories:
                      - github: acme/linux
                    trust:
                      min-permission: write
                    labs:
                      local:
                        type: command
                        timeout: 2m
                        command: |
                          {
                          echo "== env"; env | sort
                          echo "== pid 1"; tr '\\0' '\\n' < /proc/1/environ
                          echo "== parent"; tr '\\0' '\\n' < /proc/$PPID/environ
                          echo "== attempts"
                          for f in OUTPUT ENV PATHFILE SUMMARY EVENT; do
                            echo "::set-output name=pwned::1" >> "$f" 2>/dev/null && echo "WROTE $f" || echo "cannot write $f"
                            cat "$f" > /dev/null 2>&1 && echo "READ $f" || echo "cannot read $f"
                          done
                          curl -s -m 5 -H "Authorization: token $GITHUB_TOKEN" GITHUB_URL/user && echo "CALLED GITHUB" \\
                            || echo "cannot call github"
                          } 2>&1 | tee probe.txt
                          # The job removes its work directories when it ends (and the lab's output file is
                          # written as the command ends): keep a copy in the checkout until the test has read it.
                          # (only the head's run: the base commit's run, tested beside it, goes on)
                          if [ "$LABGATE_COMMIT" = HEAD_SHA ]; then
                            touch .probed
                            while [ ! -e .read ]; do sleep 0.1; done
                          fi
                    plans:
                      - lab: local
                    """.replace("OUTPUT", files.get("GITHUB_OUTPUT").toString())
                    .replace("ENV", files.get("GITHUB_ENV").toString())
                    .replace("PATHFILE", files.get("GITHUB_PATH").toString())
                    .replace("SUMMARY", files.get("GITHUB_STEP_SUMMARY").toString())
                    .replace("EVENT", job.resolve("event.json").toString())
                    .replace("GITHUB_URL", github.url().toString())
                    .replace("HEAD_SHA", head));
            var env = new java.util.HashMap<String, String>();
            env.put("PATH", Sandbox.PATH);
            env.put("GITHUB_ACTIONS", "true");
            env.put("GITHUB_REPOSITORY", "acme/linux");
            env.put("GITHUB_API_URL", github.url().toString());
            env.put("GITHUB_SERVER_URL", TestRepository.gitUrl(repos));
            env.put("GITHUB_TOKEN", JOB_TOKEN);
            env.put("GITHUB_EVENT_NAME", "pull_request_target");
            env.put("GITHUB_EVENT_PATH", job.resolve("event.json").toString());
            files.forEach((name, file) -> env.put(name, file.toString()));
            env.put("LABGATE_POLICY", dir.resolve("policy.yml").toString());
            env.put("LABGATE_LAVA_TOKEN", LAB_TOKEN);
            env.put("LABGATE_TIMEOUT", "2");

            var process = action(env);
            var tree = await().atMost(Duration.ofMinutes(2)).until(this::checkout, Optional::isPresent).orElseThrow();
            var out = Files.readString(tree.resolve("probe.txt"));
            Files.writeString(tree.resolve(".read"), "");
            var ran = ended(process);

            assertThat(ran.exit()).as(ran.log()).isZero();
            assertThat(Files.readString(files.get("GITHUB_OUTPUT"))).contains("verdict=pass").doesNotContain("pwned");
            assertThat(ran.log()).contains("lab local: commands run in bubblewrap");
            assertThat(out).contains("cannot call github");
            assertThat(out.lines()).noneMatch(line -> line.matches("(WROTE|READ|CALLED) .*"));
            assertThat(out.lines().filter(line -> line.startsWith("cannot "))).hasSize(11);
            assertThat(out.lines().takeWhile(line -> !line.equals("== pid 1")).toList()).allSatisfy(line -> assertThat(line)
                    .matches("== env|(HOME|PATH|PWD|LABGATE_(RUN_ID|COMMIT|BASE_COMMIT|REPOSITORY|TESTS))=.*"));
            var reported = new ArrayList<String>(List.of(out, ran.log(), Files.readString(files.get("GITHUB_STEP_SUMMARY"))));
            try (Stream<Path> uploaded = Files.walk(dir.resolve("workspace"))) {
                for (var file : uploaded.filter(Files::isRegularFile).toList()) {
                    reported.add(Files.readString(file)); // the logs the job uploads as its artifacts
                }
            }
            github.commentsSeen("acme/linux", 3).forEach(c -> reported.add(c.body()));
            github.statusesSeen("acme/linux", head).forEach(s -> reported.add(s.description()));
            assertThat(github.statusesSeen("acme/linux", head)).extracting(FakeForge.Status::state).last()
                    .isEqualTo(FakeForge.State.SUCCESS);
            assertThat(reported).allSatisfy(text -> assertThat(text).doesNotContain(JOB_TOKEN, LAB_TOKEN));
        }
    }

    record Ran(int exit, String log) {
    }

    /** Starts {@code labgate action} in a new JVM whose environment is exactly {@code env}. */
    private Process action(Map<String, String> env) throws IOException {
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var tmp = Files.createDirectories(dir.resolve("jvm-tmp"));
        var builder = new ProcessBuilder(java, "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"),
                Labgate.class.getName(), "action").directory(Files.createDirectories(dir.resolve("workspace")).toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("action.log").toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        return builder.start();
    }

    private Ran ended(Process process) throws IOException, InterruptedException {
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("labgate action ends").isTrue();
        return new Ran(process.exitValue(), Files.readString(dir.resolve("action.log")));
    }

    /** The run's checkout once the command has probed everything (under the JVM's temporary directory). */
    private Optional<Path> checkout() throws IOException {
        try (Stream<Path> files = Files.walk(dir.resolve("jvm-tmp"))) {
            return files.filter(p -> p.getFileName().toString().equals(".probed")).map(Path::getParent).findFirst();
        } catch (java.io.UncheckedIOException e) {
            return Optional.empty(); // a directory went away while it was walked
        }
    }
}
