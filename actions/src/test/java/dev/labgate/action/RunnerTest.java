package dev.labgate.action;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class RunnerTest {

    static Map<String, String> gitHub() {
        return new HashMap<>(Map.of("GITHUB_ACTIONS", "true", "GITHUB_REPOSITORY", "linux/kernel",
                "GITHUB_API_URL", "https://api.github.com", "GITHUB_TOKEN", "ghs_secret", "GITHUB_EVENT_NAME",
                "pull_request_target", "GITHUB_EVENT_PATH", "/runner/event.json", "GITHUB_STEP_SUMMARY",
                "/runner/summary.md", "GITHUB_OUTPUT", "/runner/output"));
    }

    static Map<String, String> gitLab() {
        return new HashMap<>(Map.of("GITLAB_CI", "true", "CI_PROJECT_PATH", "linux/kernel", "CI_API_V4_URL",
                "https://gitlab.example/api/v4", "CI_COMMIT_SHA", "a".repeat(40), "LABGATE_GITLAB_TOKEN", "glpat-x",
                "CI_MERGE_REQUEST_IID", "7"));
    }

    static Map<String, String> without(Map<String, String> env, String name) {
        env.remove(name);
        return env;
    }

    static Map<String, String> with(Map<String, String> env, String name, String value) {
        env.put(name, value);
        return env;
    }

    static Stream<Arguments> environments() {
        return Stream.of(
                // A pull_request_target job with every variable GitHub sets is a GitHub runner.
                Arguments.of(gitHub(), "GitHub Actions job for linux/kernel (pull_request_target)"),
                // A job that forgot to pass GITHUB_TOKEN is told which variable is missing.
                Arguments.of(without(gitHub(), "GITHUB_TOKEN"), "does not set GITHUB_TOKEN (pass it to the step"),
                // A merge request pipeline is a GitLab runner for that merge request.
                Arguments.of(gitLab(), "GitLab CI job for linux/kernel (merge request !7)"),
                // A branch pipeline names its branch instead.
                Arguments.of(with(without(gitLab(), "CI_MERGE_REQUEST_IID"), "CI_COMMIT_BRANCH", "staging"),
                        "GitLab CI job for linux/kernel (branch staging)"),
                // Without an API token GitLab statuses cannot be set: a usage error naming the variable.
                Arguments.of(without(gitLab(), "LABGATE_GITLAB_TOKEN"), "does not set LABGATE_GITLAB_TOKEN"),
                // Outside CI the action refuses and points at the service.
                Arguments.of(new HashMap<String, String>(), "use 'labgate serve' elsewhere"));
    }

    @ParameterizedTest
    @MethodSource("environments")
    void detectsTheRunnerOrSaysWhatIsMissing(Map<String, String> env, String expected) {
        var detection = Runner.detect(env);
        var text = detection instanceof Runner.Found found ? found.runner().toString()
                : ((Runner.Unusable) detection).reason();
        assertThat(text).contains(expected);
    }

    @org.junit.jupiter.api.Test
    void aMessageAboutAMissingVariableNamesOnlyThatVariable() {
        var reason = ((Runner.Unusable) Runner.detect(without(gitHub(), "GITHUB_EVENT_PATH"))).reason();
        assertThat(reason).contains("GITHUB_EVENT_PATH").doesNotContain("GITHUB_TOKEN");
    }

    @org.junit.jupiter.api.Test
    void everyStatusLeadsToTheJobPageAndFilesGoUnderTheRunnersTemp() {
        var env = with(with(with(gitHub(), "GITHUB_RUN_ID", "4242"), "GITHUB_SERVER_URL", "https://github.example/"),
                "RUNNER_TEMP", "/runner/_temp");
        var runner = ((Runner.Found) Runner.detect(env)).runner();
        assertThat(runner.jobUrl()).contains("https://github.example/linux/kernel/actions/runs/4242");
        assertThat(runner.temp()).contains(Path.of("/runner/_temp"));
        var gitlab = ((Runner.Found) Runner.detect(with(gitLab(), "CI_JOB_URL",
                "https://gitlab.example/linux/kernel/-/jobs/99"))).runner();
        assertThat(gitlab.jobUrl()).contains("https://gitlab.example/linux/kernel/-/jobs/99");
    }

    @org.junit.jupiter.api.Test
    void gitHubRunnerKeepsTheFilesOfTheJob() {
        var runner = (Runner.GitHub) ((Runner.Found) Runner.detect(gitHub())).runner();
        assertThat(runner.stepSummary()).contains(Path.of("/runner/summary.md"));
        assertThat(runner.output()).contains(Path.of("/runner/output"));
        assertThat(runner.toString()).doesNotContain("ghs_secret");
        var noSummary = (Runner.GitHub) ((Runner.Found) Runner.detect(without(gitHub(), "GITHUB_STEP_SUMMARY")))
                .runner();
        assertThat(noSummary.stepSummary()).isEqualTo(Optional.empty());
    }

    @org.junit.jupiter.api.Test
    void gitLabRunnerClonesFromTheServerUrlOrTheApiHost() {
        var runner = (Runner.GitLab) ((Runner.Found) Runner.detect(gitLab())).runner();
        assertThat(runner.serverUrl()).hasToString("https://gitlab.example");
        assertThat(runner.gitUrl()).hasToString("https://gitlab.example");
        var mirrored = (Runner.GitLab) ((Runner.Found) Runner.detect(with(gitLab(), "CI_SERVER_URL",
                "https://git.example"))).runner();
        assertThat(mirrored.gitUrl()).hasToString("https://git.example");
        assertThat(mirrored.serverUrl()).hasToString("https://gitlab.example");
    }
}
