package dev.labgate.bot.cli;

import dev.labgate.core.forge.Permission;
import dev.labgate.testkit.FakeForge;
import dev.labgate.testkit.FakeGitHub;
import dev.labgate.testkit.FakeGitHubReleases;
import dev.labgate.testkit.TestRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The composite action's own steps ({@code actions/github/action.yml} and {@code labgate-jar}) run
 * in a {@link SimulatedRunner} against FakeGitHub, GitHub's release downloads on loopback and a
 * real git repository, as a workflow on a GitHub-hosted runner would run them: the action checked
 * out under {@code _actions/OWNER/REPO/TAG}, a release version in its pom, the jar fetched from the
 * release once and then from the cache.
 */
class CompositeActionTest {

    static final String VERSION = "0.9.0";
    static final String ACTION_REPO = "acme/labgate";

    @TempDir
    Path dir;
    FakeGitHub github;
    FakeGitHubReleases releases;
    TestRepository repo;
    Path repos;
    String head;
    byte[] jar;

    @BeforeEach
    void start() throws Exception {
        github = new FakeGitHub("labgate-bot").acceptToken("gh-token");
        releases = new FakeGitHubReleases();
        repos = dir.resolve("repos");
        repo = TestRepository.create(repos, "acme/linux");
        var base = repo.commit("refs/heads/master", null, "base", Map.of("README", "base\n"));
        head = repo.commit("refs/pull/3/head", base, "change", Map.of("README", "base\n", "ok", "x\n"));
        github.gitUrl(TestRepository.gitUrl(repos));
        github.openChange("acme/linux", 3, "alice", head, base, false, List.of("ok"), List.of(head));
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
        jar = launcherJar();
        releases.publish(ACTION_REPO, "v" + VERSION, "labgate.jar", jar)
                .publish(ACTION_REPO, "v" + VERSION, "labgate.jar.sha256", (sha256(jar) + "  labgate.jar\n")
                        .getBytes());
    }

    @AfterEach
    void stop() {
        github.close();
        releases.close();
        repo.close();
    }

    @Test
    void aReleasedActionDownloadsItsJarOnceVerifiesItAndThenRunsItFromTheCache() throws Exception {
        github.permission("acme/linux", "alice", Permission.Level.WRITE);
        var runner = runner(VERSION);

        var cold = runner.run(with(), job(), "gh-token");

        assertThat(cold.exit()).as(cold.text()).isZero();
        assertThat(cold.text()).contains("labgate " + VERSION + ": the released jar of " + ACTION_REPO)
                .contains("cache labgate-jar-" + VERSION + ": miss")
                .contains("labgate " + VERSION + ": downloaded, checksum verified")
                .contains("local: submitted").contains("pass: 1 test passed");
        assertThat(cold.outputs()).containsEntry("verdict", "pass").containsEntry("regressions", "0");
        assertThat(downloads()).isEqualTo(2);

        var warm = runner.run(with(), job(), "gh-token");

        assertThat(warm.exit()).as(warm.text()).isZero();
        assertThat(warm.text()).contains("cache labgate-jar-" + VERSION + ": hit")
                .contains("labgate " + VERSION + ": from the cache, checksum verified");
        assertThat(downloads()).as("nothing downloaded again").isEqualTo(2);
        assertThat(github.statusesSeen("acme/linux", head)).isNotEmpty().allSatisfy(s ->
                assertThat(s.targetUrl()).isEqualTo(jobUrl()));
        // Every file of the job is under RUNNER_TEMP, and the git mirror is gone: only the cached jar
        // stays, and the labs' output, which the job uploads as its artifact.
        try (var left = Files.list(runner.temp())) {
            assertThat(left.map(p -> p.getFileName().toString()).collect(Collectors.toList()))
                    .containsExactlyInAnyOrder("labgate-" + VERSION, "labgate-report");
        }
        assertThat(warm.text()).contains("upload-artifact labgate-report: uploaded");
        assertThat(runner.artifacts().resolve("labgate-report/local.log")).as("the command lab's output outlives the runner")
                .exists();
        assertThat(dir.resolve("workspace")).isEmptyDirectory();
    }

    @Test
    void aJarThatDoesNotMatchItsPublishedChecksumIsNotRun() throws Exception {
        github.permission("acme/linux", "alice", Permission.Level.WRITE);
        releases.publish(ACTION_REPO, "v" + VERSION, "labgate.jar.sha256", (sha256("something else".getBytes())
                + "  labgate.jar\n").getBytes());

        var job = runner(VERSION).run(with(), job(), "gh-token");

        assertThat(job.exit()).isNotZero();
        assertThat(job.text()).contains("::error title=labgate::labgate.jar of v" + VERSION
                + " does not match its published SHA-256; not run").doesNotContain("local: submitted");
        assertThat(github.statusesSeen("acme/linux", head)).isEmpty();
    }

    @Test
    void anUntrustedHeadLeavesAPendingStatusAndAPassingStepWithVerdictUntrusted() throws Exception {
        github.permission("acme/linux", "alice", Permission.Level.READ);

        var job = runner(VERSION).run(with(), job(), "gh-token");

        assertThat(job.exit()).as(job.text()).isZero();
        assertThat(job.outputs()).containsEntry("verdict", "untrusted");
        assertThat(job.text()).contains("not tested: alice").contains("approving review")
                .doesNotContain("local: submitted");
        assertThat(github.statusesSeen("acme/linux", head)).singleElement().satisfies(s -> {
            assertThat(s.state()).isEqualTo(FakeForge.State.PENDING);
            assertThat(s.targetUrl()).isEqualTo(jobUrl());
        });
        assertThat(Files.readString(dir.resolve("summary.md"))).contains("not tested");
    }

    @Test
    void anActionBetweenReleasesPlansABuildFromItsOwnSourcesWithAMavenCacheKeyedOnItsPoms() throws Exception {
        var outputs = dir.resolve("plan-output");
        var plan = new ProcessBuilder("bash", actionPath(VERSION + "-SNAPSHOT").resolve("labgate-jar").toString(),
                "plan");
        plan.environment().putAll(Map.of("GITHUB_ACTION_PATH", actionPath(VERSION + "-SNAPSHOT").toString(),
                "RUNNER_TEMP", dir.resolve("t").toString(), "GITHUB_OUTPUT", outputs.toString()));
        assertThat(plan.inheritIO().start().waitFor()).isZero();

        var planned = SimulatedRunner.parseOutputs(Files.readString(outputs));
        assertThat(planned).containsEntry("mode", "source").containsEntry("version", VERSION + "-SNAPSHOT")
                .containsEntry("jar", dir.resolve("t/labgate-src/bot/target/labgate.jar").toString())
                .containsEntry("maven-repository", dir.resolve("t/labgate-m2").toString());
        assertThat(planned.get("poms")).matches("[0-9a-f]{16}");
    }

    static String sha256(byte[] bytes) throws java.security.NoSuchAlgorithmException {
        return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** The run's page as GitHub builds it from GITHUB_SERVER_URL (here the git host on disk). */
    String jobUrl() {
        return TestRepository.gitUrl(repos).replaceAll("/+$", "") + "/acme/linux/actions/runs/77";
    }

    int downloads() {
        return (int) releases.requests().stream().filter(r -> r.path().startsWith("/release-assets/")).count();
    }

    Map<String, String> with() {
        return Map.of("policy", dir.resolve("policy.yml").toString(), "timeout", "2");
    }

    Map<String, String> job() throws IOException {
        Files.write(dir.resolve("event.json"), github.changeDelivery("acme/linux", 3, "opened").body());
        Files.createDirectories(dir.resolve("workspace"));
        Files.createDirectories(dir.resolve("home"));
        return Map.ofEntries(Map.entry("GITHUB_ACTIONS", "true"), Map.entry("GITHUB_REPOSITORY", "acme/linux"),
                Map.entry("GITHUB_API_URL", github.url().toString()),
                Map.entry("GITHUB_SERVER_URL", TestRepository.gitUrl(repos)),
                Map.entry("GITHUB_EVENT_NAME", "pull_request_target"),
                Map.entry("GITHUB_EVENT_PATH", dir.resolve("event.json").toString()),
                Map.entry("GITHUB_STEP_SUMMARY", dir.resolve("summary.md").toString()),
                Map.entry("GITHUB_RUN_ID", "77"), Map.entry("GITHUB_WORKSPACE", dir.resolve("workspace").toString()),
                Map.entry("HOME", dir.resolve("home").toString()),
                // The release host: GITHUB_SERVER_URL is the git host here, so the mirror setting points at the fake.
                Map.entry("LABGATE_RELEASES_URL", releases.url() + "/" + ACTION_REPO + "/releases/download"));
    }

    /** The action as the runner checks it out for {@code uses: acme/labgate/actions/github@v<version>}. */
    SimulatedRunner runner(String version) throws IOException {
        return new SimulatedRunner(actionPath(version), dir.resolve("runner"));
    }

    Path actionPath(String version) throws IOException {
        var checkout = dir.resolve("runner/work/_actions/" + ACTION_REPO + "/v" + version);
        var sources = Path.of(System.getProperty("user.dir")).getParent();
        var path = checkout.resolve("actions/github");
        if (!Files.exists(path)) {
            SimulatedRunner.copyTree(sources.resolve("actions/github"), path);
            path.resolve("labgate-jar").toFile().setExecutable(true);
            Files.writeString(checkout.resolve("pom.xml"), Files.readString(sources.resolve("pom.xml"))
                    .replaceFirst("(<artifactId>labgate-parent</artifactId>\\s*<version>)[^<]+", "$1" + version));
            Files.createDirectories(checkout.resolve("bot"));
            Files.copy(sources.resolve("bot/pom.xml"), checkout.resolve("bot/pom.xml"));
        }
        return path;
    }

    /**
     * A stand-in for the released labgate.jar: {@code java -jar} on it runs labgate's own main with
     * this build's classes and libraries (the shaded jar is made only after the tests).
     */
    byte[] launcherJar() throws IOException {
        var manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "dev.labgate.bot.Labgate");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, java.util.Arrays.stream(
                        System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(entry -> Path.of(entry).toUri().toString()).collect(Collectors.joining(" ")));
        var file = dir.resolve("launcher.jar");
        try (OutputStream out = Files.newOutputStream(file); var jarOut = new JarOutputStream(out, manifest)) {
            jarOut.flush();
        }
        return Files.readAllBytes(file);
    }
}
