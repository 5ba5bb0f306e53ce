package dev.labgate.bot.cli;

import dev.labgate.action.ExitCode;
import dev.labgate.core.forge.Permission;
import dev.labgate.testkit.FakeForge;
import dev.labgate.testkit.FakeGitHub;
import dev.labgate.testkit.TestRepository;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code labgate action} as the jar runs it: the policy file on the runner, the real command lab
 * checking out the head from a real git repository, the real GitHub adapter against FakeGitHub.
 */
class ActionCommandTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // The head has the file the command looks for: the lab passes, so does the job.
            "passing head | ok | 0 | verdict=pass",
            // The head lost it: the command lab fails where the base commit (tested beside it) passes,
            // and that regression fails the job.
            "failing head | broken | 1 | verdict=fail"})
    void runsTheCommandLabOnTheHeadAndReports(String name, String file, int exit, String verdictLine)
            throws Exception {
        var repos = dir.resolve("repos");
        try (var github = new FakeGitHub("labgate-bot").acceptToken("gh-token");
             var repo = TestRepository.create(repos, "acme/linux")) {
            var base = repo.commit("refs/heads/master", null, "base", Map.of("README", "base\n", "ok", "x\n"));
            var head = repo.commit("refs/pull/3/head", base, "change", Map.of("README", "base\n", file, "x\n"));
            github.gitUrl(TestRepository.gitUrl(repos));
            github.openChange("acme/linux", 3, "alice", head, base, false, List.of(file), List.of(head));
            github.permission("acme/linux", "alice", Permission.Level.WRITE);
            Files.write(dir.resolve("event.json"), github.changeDelivery("acme/linux", 3, "opened").body());
            Files.writeString(dir.resolve("policy.yml"), """
                    repositories:
                      - github: acme/linux
                    trust:
                      min-permission: write
                    labs:
                      local:
                        type: command
                        command: test -f ok
                        timeout: 1m
                    plans:
                      - name: smoke
                        lab: local
                    """);
            var env = Map.ofEntries(Map.entry("GITHUB_ACTIONS", "true"), Map.entry("GITHUB_REPOSITORY", "acme/linux"),
                    Map.entry("GITHUB_API_URL", github.url().toString()),
                    Map.entry("GITHUB_SERVER_URL", TestRepository.gitUrl(repos)),
                    Map.entry("GITHUB_TOKEN", "gh-token"), Map.entry("GITHUB_EVENT_NAME", "pull_request_target"),
                    Map.entry("GITHUB_EVENT_PATH", dir.resolve("event.json").toString()),
                    Map.entry("GITHUB_STEP_SUMMARY", dir.resolve("summary.md").toString()),
                    Map.entry("GITHUB_OUTPUT", dir.resolve("output").toString()),
                    Map.entry("LABGATE_POLICY", dir.resolve("policy.yml").toString()),
                    Map.entry("LABGATE_TIMEOUT", "2"), Map.entry("LABGATE_ARTIFACTS", dir.resolve("report").toString()));
            var log = new ByteArrayOutputStream();

            var code = ActionCommand.run(env, new PrintStream(log, true, StandardCharsets.UTF_8));

            assertThat(code.code()).as(log.toString(StandardCharsets.UTF_8)).isEqualTo(exit);
            assertThat(Files.readAllLines(dir.resolve("output"))).contains(verdictLine);
            assertThat(log.toString(StandardCharsets.UTF_8)).contains("local: submitted").contains("local: finished");
            assertThat(dir.resolve("report/local.log")).as("the command lab's output, kept for the job's artifacts").exists();
            assertThat(github.statusesSeen("acme/linux", head)).extracting(FakeForge.Status::context).contains(
                    "labgate/local");
            assertThat(code == ExitCode.PASS ? FakeForge.State.SUCCESS : FakeForge.State.FAILURE).isEqualTo(
                    github.statusesSeen("acme/linux", head).get(github.statusesSeen("acme/linux", head).size() - 1)
                            .state());
        }
    }
}
