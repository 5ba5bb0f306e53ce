package dev.labgate.bot.cli;

import dev.labgate.action.ActionJob;
import dev.labgate.action.ExitCode;
import dev.labgate.action.OneShot;
import dev.labgate.action.Runner;
import dev.labgate.bot.PolicyLabs;
import dev.labgate.bot.SandboxReport;
import dev.labgate.core.forge.Forge;
import dev.labgate.core.forge.ForgeException;
import dev.labgate.forge.git.GitChangeCommits;
import dev.labgate.forge.github.GitHubForge;
import dev.labgate.forge.github.GitHubSettings;
import dev.labgate.forge.gitlab.GitLabForge;
import dev.labgate.forge.gitlab.GitLabSettings;
import dev.labgate.kcidb.VerdictAggregator;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code labgate action}: one CI job (GitHub Actions or GitLab CI) tested on the labs without a
 * labgate server. Everything comes from environment variables; see docs/actions.md.
 */
@Command(name = "action", mixinStandardHelpOptions = true,
        description = {"Inside a GitHub Actions or GitLab CI job: decide trust, submit to the planned labs, wait, "
                + "and report the verdict (exit 0 pass, 1 regression or untrusted, 2 infrastructure error or "
                + "timeout, 64 usage error).", "Configured by environment variables; see docs/actions.md."})
public final class ActionCommand implements Callable<Integer> {

    @Override
    public Integer call() throws IOException {
        return run(System.getenv(), new PrintStream(System.out, true, StandardCharsets.UTF_8)).code();
    }

    static ExitCode run(Map<String, String> env, PrintStream out) throws IOException {
        var detection = Runner.detect(env);
        if (detection instanceof Runner.Unusable unusable) {
            out.println("labgate action: " + unusable.reason());
            return ExitCode.USAGE;
        }
        var runner = ((Runner.Found) detection).runner();
        var clock = Clock.systemUTC();
        var forge = forge(runner, clock);
        ActionJob.PolicyFound found;
        try {
            found = ActionJob.operatorPolicy(env, runner, forge);
        } catch (ForgeException e) {
            out.println("::error title=labgate::the forge could not answer: " + e.getMessage());
            return ExitCode.INFRA_ERROR;
        }
        if (found.policy().isEmpty()) {
            out.println("labgate action: " + found.where());
            return ExitCode.USAGE;
        }
        var policy = found.policy().get();
        out.println("labgate action: policy " + found.where() + ", version " + policy.version());
        // Everything the job writes (git mirrors, lab work directories, keys) goes under the runner's
        // temporary directory and is removed at the end, mirror included.
        var scratch = runner.temp().isPresent() ? Files.createTempDirectory(runner.temp().get(), "labgate-")
                : Files.createTempDirectory("labgate-action");
        // A job's own key: it has no public URL, so labs are polled and no callback is checked, and the
        // artifact URLs it hands to later stages need no other process to recompute them.
        var jobKey = new byte[32];
        new SecureRandom().nextBytes(jobKey);
        try (var labs = new PolicyLabs(() -> policy, scratch.resolve("labs"), clock,
                new PolicyLabs.Context(env::get, Optional.empty(), jobKey, runId -> null))) {
            for (var lab : policy.labs().keySet()) {
                labs.sandbox(lab).map(setup -> SandboxReport.of(lab, setup)).ifPresent(report -> out.println(
                        "labgate action: " + (report.level() == SandboxReport.Level.INFO ? ""
                                : report.level() + ": ") + report.text()));
            }
            var commits = new GitChangeCommits(scratch.resolve("git"), scratch.resolve("keys"), clock);
            var oneShot = new OneShot(OneShot.gate(commits, clock, howToApprove(runner)), labs,
                    new VerdictAggregator(), clock, duration -> Thread.sleep(duration.toMillis()), out);
            return new ActionJob(oneShot, clock, out).run(env, r -> forge, policy);
        } finally {
            deleteTree(scratch);
        }
    }

    /** How a maintainer approves a head for a job, which reads the approval back from the forge. */
    static String howToApprove(Runner runner) {
        return runner instanceof Runner.GitHub
                ? "a maintainer can approve this commit with an approving review of the pull request at this "
                + "commit (Review changes, Approve), then re-run this job"
                : "a maintainer can approve this commit with a /labgate ok-to-test comment on the merge request, "
                + "then retry this job";
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (var path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** The adapter for the runner's forge, with the job's API URL and token. */
    static Forge forge(Runner runner, Clock clock) {
        if (runner instanceof Runner.GitHub github) {
            return new GitHubForge(GitHubSettings.withToken("github", github.apiUrl(), github.serverUrl(), List.of(),
                    github.token(), "github-actions[bot]"), clock);
        }
        var gitlab = (Runner.GitLab) runner;
        return new GitLabForge(new GitLabSettings("gitlab", gitlab.serverUrl(), gitlab.gitUrl(), List.of(),
                gitlab.token(), ""), clock);
    }

}
