package dev.labgate.action;

import dev.labgate.config.Policy;
import dev.labgate.config.PolicyParser;
import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.ForgeEvent;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.forge.Forge;
import dev.labgate.core.forge.ForgeException;
import dev.labgate.core.lab.LabException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One {@code labgate action} job from start to exit code: reads the runner and the job's
 * settings from the environment, finds the event (GitHub: the event file; GitLab: the merge
 * request or branch asked of the API, never taken from variables alone), runs {@link OneShot},
 * and leaves the verdict where the CI system shows it.
 */
public final class ActionJob {

    /** The job's settings as environment variables; action.yml and the GitLab template set them. */
    public static final String TIMEOUT = "LABGATE_TIMEOUT";
    public static final String FAIL_ON_REGRESSION = "LABGATE_FAIL_ON_REGRESSION";
    public static final String LABS = "LABGATE_LABS";
    public static final String ARTIFACTS = "LABGATE_ARTIFACTS";
    public static final String POLICY = "LABGATE_POLICY";

    /** The operator policy of a job, or why there is none. */
    public record PolicyFound(Optional<Policy> policy, String where) {
    }

    private final OneShot oneShot;
    private final PrintStream out;
    private final Clock clock;

    public ActionJob(OneShot oneShot, Clock clock, PrintStream out) {
        this.oneShot = oneShot;
        this.clock = clock;
        this.out = out;
    }

    /**
     * @param forges the adapter for the detected runner, configured with its API URL and token
     */
    public ExitCode run(Map<String, String> env, Function<Runner, Forge> forges, Policy policy) {
        var detection = Runner.detect(env);
        if (detection instanceof Runner.Unusable unusable) {
            out.println("labgate action: " + unusable.reason());
            return ExitCode.USAGE;
        }
        var runner = ((Runner.Found) detection).runner();
        var request = request(env, runner.jobUrl());
        if (request.isEmpty()) {
            out.println("labgate action: " + TIMEOUT + " must be minutes or an ISO-8601 duration (PT90M), and "
                    + FAIL_ON_REGRESSION + " true or false; got '" + env.getOrDefault(TIMEOUT, "") + "' and '"
                    + env.getOrDefault(FAIL_ON_REGRESSION, "") + "'");
            return ExitCode.USAGE;
        }
        out.println("labgate action: " + runner);
        try {
            var forge = forges.apply(runner);
            var event = event(runner, forge);
            if (event.isEmpty()) {
                out.println("labgate action: nothing to test: neither CI_MERGE_REQUEST_IID nor CI_COMMIT_BRANCH is set");
                return ExitCode.PASS;
            }
            var outcome = oneShot.run(forge, policy, event.get(), request.get());
            out.println("labgate action: " + outcome.message());
            report(runner, env, outcome);
            outcome.review().ifPresent(pending -> review(runner, forge, pending));
            return outcome.exit();
        } catch (ForgeException | LabException e) {
            out.println("::error title=labgate::" + e.getMessage());
            return ExitCode.INFRA_ERROR;
        } catch (IOException e) {
            out.println("::error title=labgate::cannot read or write a file of the job: " + e.getMessage());
            return ExitCode.INFRA_ERROR;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.println("::error title=labgate::interrupted while waiting for the labs");
            return ExitCode.INFRA_ERROR;
        }
    }

    private Optional<ForgeEvent> event(Runner runner, Forge forge) throws IOException {
        if (runner instanceof Runner.GitHub github) {
            return Optional.of(new GitHubEventFile(forge, clock).read(github));
        }
        var gitlab = (Runner.GitLab) runner;
        var repo = new RepoRef(forge.name(), gitlab.projectPath());
        if (gitlab.mergeRequestIid().isPresent()) {
            var change = new ChangeRef(repo, Long.parseLong(gitlab.mergeRequestIid().get()));
            return Optional.of(forge.openChange(change).<ForgeEvent>map(c -> c)
                    .orElse(new ForgeEvent.Ignored(change + " is not open")));
        }
        return gitlab.branch().map(branch -> forge.branchHead(repo, branch).<ForgeEvent>map(p -> p)
                .orElse(new ForgeEvent.Ignored("branch " + branch + " does not exist")));
    }

    private void report(Runner runner, Map<String, String> env, OneShot.Outcome outcome) throws IOException {
        if (outcome.verdict().isEmpty()) {
            if (runner instanceof Runner.GitHub github) {
                new GitHubStep(github, out).reportNothing(outcome.exit(), outcome.message());
            } else {
                new GitLabArtifacts(artifacts(env)).writeNothing(outcome.exit(), outcome.message());
            }
            return;
        }
        var verdict = outcome.verdict().get();
        if (runner instanceof Runner.GitHub github) {
            new GitHubStep(github, out).report(verdict, outcome.plan(), outcome.runUrl(), outcome.logs(), artifacts(env));
        } else {
            var directory = artifacts(env);
            new GitLabArtifacts(directory).write(verdict, outcome.plan(), outcome.runUrl(), outcome.logs());
            out.println("labgate action: verdict written to " + directory.resolve("verdict.md"));
        }
    }

    /**
     * The findings of the change as review comments, through the job's token. A GitHub workflow
     * whose token may not write reviews (no {@code pull-requests: write}) gets them as annotations.
     */
    private void review(Runner runner, Forge forge, OneShot.PendingReview pending) {
        try {
            forge.review(pending.change(), pending.review());
            out.println("labgate action: " + pending.review().findings().size() + " findings reviewed on "
                    + pending.change());
        } catch (ForgeException e) {
            if (runner instanceof Runner.GitHub github) {
                out.println("labgate action: cannot review " + pending.change() + " (" + e.getMessage() + "); the "
                        + "findings are annotations instead. Grant the workflow 'pull-requests: write' to have them as "
                        + "review comments.");
                new GitHubStep(github, out).annotate(pending.review().findings());
            } else {
                out.println("labgate action: cannot comment on " + pending.change() + ": " + e.getMessage());
            }
        }
    }

    private static Path artifacts(Map<String, String> env) {
        return Path.of(env.getOrDefault(ARTIFACTS, "labgate-report"));
    }

    /**
     * The policy named by {@code LABGATE_POLICY} (default {@code .labgate.yml}): a file on the
     * runner when one is there, else the file on the repository's default branch, read through
     * the API, never from the change under test. Empty, with the reason, when it is missing or invalid.
     */
    public static PolicyFound operatorPolicy(Map<String, String> env, Runner runner, Forge forge) {
        var path = env.getOrDefault(POLICY, "").isBlank() ? ".labgate.yml" : env.get(POLICY).trim();
        var local = Path.of(path);
        String text;
        String where;
        try {
            if (Files.isRegularFile(local)) {
                text = Files.readString(local);
                where = local.toString();
            } else {
                var repo = new RepoRef(forge.name(), runner instanceof Runner.GitHub g ? g.repository()
                        : ((Runner.GitLab) runner).projectPath());
                var remote = forge.fileOnDefaultBranch(repo, path);
                if (remote.isEmpty()) {
                    return new PolicyFound(Optional.empty(), "no policy: " + path + " is neither on the runner nor on "
                            + "the default branch of " + repo.fullName());
                }
                text = remote.get();
                where = path + " on the default branch of " + repo.fullName();
            }
        } catch (IOException e) {
            return new PolicyFound(Optional.empty(), "cannot read " + path + ": " + e.getMessage());
        }
        var parsed = new PolicyParser().parse(text);
        if (!parsed.valid()) {
            return new PolicyFound(Optional.empty(), where + " is not a valid policy: " + parsed.errors().stream()
                    .map(Object::toString).collect(Collectors.joining("; ")));
        }
        return new PolicyFound(parsed.policy(), where);
    }

    static Optional<OneShot.Request> request(Map<String, String> env, Optional<String> detailsUrl) {
        var timeoutText = env.getOrDefault(TIMEOUT, "").trim();
        Duration timeout;
        try {
            timeout = timeoutText.isEmpty() ? Duration.ofHours(3)
                    : timeoutText.chars().allMatch(Character::isDigit) ? Duration.ofMinutes(Long.parseLong(timeoutText))
                    : Duration.parse(timeoutText);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        var fail = env.getOrDefault(FAIL_ON_REGRESSION, "true").trim();
        if (!List.of("true", "false").contains(fail) || timeout.isNegative() || timeout.isZero()) {
            return Optional.empty();
        }
        Set<String> labs = Arrays.stream(env.getOrDefault(LABS, "").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toCollection(LinkedHashSet::new));
        return Optional.of(new OneShot.Request(labs, timeout, fail.equals("true"), detailsUrl));
    }
}
