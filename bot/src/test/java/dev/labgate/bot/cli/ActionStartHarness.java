package dev.labgate.bot.cli;

import dev.labgate.core.forge.Permission;
import dev.labgate.testkit.FakeGitHub;
import dev.labgate.testkit.FakeGitHubReleases;
import dev.labgate.testkit.TestRepository;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Benchmark, not a test: how long the GitHub action takes from the start of its first step to the
 * first lab submission, with the released jar in the cache (and once without). It runs
 * {@code actions/github/action.yml} in the {@link SimulatedRunner} with the real shaded
 * {@code bot/target/labgate.jar} as the release asset, FakeGitHub, and a command lab on a real git
 * repository. Usage: {@code ActionStartHarness JAR WARM_RUNS}; see docs/benchmarks.md.
 */
public final class ActionStartHarness {

    public static void main(String[] args) throws Exception {
        var jar = Files.readAllBytes(Path.of(args[0]));
        var runs = Integer.parseInt(args[1]);
        var dir = Files.createTempDirectory("labgate-action-start");
        try (var github = new FakeGitHub("labgate-bot").acceptToken("gh-token");
             var releases = new FakeGitHubReleases();
             var repo = TestRepository.create(dir.resolve("repos"), "acme/linux")) {
            var base = repo.commit("refs/heads/master", null, "base", Map.of("README", "base\n"));
            var head = repo.commit("refs/pull/3/head", base, "change", Map.of("README", "base\n", "ok", "x\n"));
            github.gitUrl(TestRepository.gitUrl(dir.resolve("repos")));
            github.openChange("acme/linux", 3, "alice", head, base, false, List.of("ok"), List.of(head));
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
            var version = "0.9.0";
            releases.publish("acme/labgate", "v" + version, "labgate.jar", jar).publish("acme/labgate",
                    "v" + version, "labgate.jar.sha256", (HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(jar)) + "  labgate.jar\n").getBytes());
            var checkout = dir.resolve("runner/work/_actions/acme/labgate/v" + version);
            var sources = Path.of("").toAbsolutePath();
            SimulatedRunner.copyTree(sources.resolve("actions/github"), checkout.resolve("actions/github"));
            Files.writeString(checkout.resolve("pom.xml"), Files.readString(sources.resolve("pom.xml"))
                    .replaceFirst("(<artifactId>labgate-parent</artifactId>\\s*<version>)[^<]+", "$1" + version));
            var runner = new SimulatedRunner(checkout.resolve("actions/github"), dir.resolve("runner"));
            var job = Map.of("GITHUB_ACTIONS", "true", "GITHUB_REPOSITORY", "acme/linux",
                    "GITHUB_API_URL", github.url().toString(), "GITHUB_SERVER_URL", TestRepository.gitUrl(dir.resolve("repos")),
                    "GITHUB_EVENT_NAME", "pull_request_target", "GITHUB_EVENT_PATH", dir.resolve("event.json").toString(),
                    "GITHUB_RUN_ID", "1", "HOME", dir.toString(),
                    "LABGATE_RELEASES_URL", releases.url() + "/acme/labgate/releases/download");
            var with = Map.of("policy", dir.resolve("policy.yml").toString(), "timeout", "2");
            var cold = runner.run(with, job, "gh-token");
            System.out.printf("cold cache: first submission at %d ms, job %d ms, exit %d%n",
                    cold.firstLine("local: submitted").toMillis(), cold.log().get(cold.log().size() - 1).at().toMillis(),
                    cold.exit());
            var warm = new ArrayList<Duration>();
            for (int i = 0; i < runs; i++) {
                var run = runner.run(with, job, "gh-token");
                if (run.exit() != 0) {
                    throw new IllegalStateException(run.text());
                }
                warm.add(run.firstLine("local: submitted"));
                System.out.printf("warm cache: first submission at %d ms (jar ready at %d ms)%n",
                        warm.get(i).toMillis(), run.firstLine("from the cache").toMillis());
            }
            warm.sort(Duration::compareTo);
            System.out.printf("warm cache, %d runs: p50 %d ms, max %d ms%n", runs, warm.get(runs / 2).toMillis(),
                    warm.get(runs - 1).toMillis());
        } finally {
            SimulatedRunner.deleteTree(dir);
        }
    }
}
