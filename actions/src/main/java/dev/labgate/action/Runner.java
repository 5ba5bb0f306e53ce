package dev.labgate.action;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CI system {@code labgate action} runs in, read from its environment variables. The
 * environment is passed in as a map so that a test can simulate a runner without touching the
 * process environment.
 */
public sealed interface Runner {

    /** The page of this job on the CI system, where every status labgate sets leads ("Details"). */
    Optional<String> jobUrl();

    /** Where the job may write its files: the runner's own temporary directory, emptied after each job. */
    Optional<Path> temp();

    /**
     * A GitHub Actions job.
     *
     * @param serverUrl where repositories are cloned from ({@code GITHUB_SERVER_URL}, default github.com)
     */
    record GitHub(String repository, URI apiUrl, URI serverUrl, String token, String eventName, Path eventPath,
                  Optional<Path> stepSummary, Optional<Path> output, Optional<String> jobUrl, Optional<Path> temp)
            implements Runner {
        @Override
        public String toString() {
            return "GitHub Actions job for " + repository + " (" + eventName + ")";
        }
    }

    /**
     * A GitLab CI job; {@code mergeRequestIid} is empty in a branch pipeline.
     *
     * @param serverUrl the instance's base URL ({@code CI_API_V4_URL} without {@code /api/v4})
     * @param gitUrl where repositories are cloned from ({@code CI_SERVER_URL}, the instance's base URL when unset)
     */
    record GitLab(String projectPath, URI serverUrl, URI gitUrl, String token, String commitSha,
                  Optional<String> mergeRequestIid, Optional<String> branch, Optional<String> jobUrl,
                  Optional<Path> temp) implements Runner {
        @Override
        public String toString() {
            return "GitLab CI job for " + projectPath + mergeRequestIid.map(iid -> " (merge request !" + iid + ")")
                    .orElse(branch.map(b -> " (branch " + b + ")").orElse(""));
        }
    }

    /** What the environment says: a runner, or why {@code labgate action} cannot run here. */
    sealed interface Detection {
    }

    record Found(Runner runner) implements Detection {
    }

    record Unusable(String reason) implements Detection {
    }

    /**
     * Reads the runner from the environment. The GitLab token is looked up in
     * {@code LABGATE_GITLAB_TOKEN} (a masked CI/CD variable with API scope), because the job
     * token cannot set commit statuses.
     */
    static Detection detect(Map<String, String> env) {
        if ("true".equals(env.get("GITHUB_ACTIONS"))) {
            var missing = missing(env, "GITHUB_REPOSITORY", "GITHUB_API_URL", "GITHUB_TOKEN", "GITHUB_EVENT_NAME",
                    "GITHUB_EVENT_PATH");
            if (!missing.isEmpty()) {
                return new Unusable("this GitHub Actions job does not set " + String.join(", ", missing)
                        + (missing.contains("GITHUB_TOKEN") ? " (pass it to the step: the action's token input, or "
                        + "env GITHUB_TOKEN: ${{ github.token }})" : ""));
            }
            return new Found(new GitHub(env.get("GITHUB_REPOSITORY"), URI.create(env.get("GITHUB_API_URL")),
                    URI.create(value(env, "GITHUB_SERVER_URL").orElse("https://github.com")),
                    env.get("GITHUB_TOKEN"), env.get("GITHUB_EVENT_NAME"), Path.of(env.get("GITHUB_EVENT_PATH")),
                    path(env, "GITHUB_STEP_SUMMARY"), path(env, "GITHUB_OUTPUT"),
                    // The workflow run's page, as GitHub builds it from these variables.
                    value(env, "GITHUB_RUN_ID").map(id -> value(env, "GITHUB_SERVER_URL").orElse("https://github.com")
                            .replaceAll("/+$", "") + "/" + env.get("GITHUB_REPOSITORY") + "/actions/runs/" + id),
                    path(env, "RUNNER_TEMP")));
        }
        if ("true".equals(env.get("GITLAB_CI"))) {
            var missing = missing(env, "CI_PROJECT_PATH", "CI_API_V4_URL", "CI_COMMIT_SHA", "LABGATE_GITLAB_TOKEN");
            if (!missing.isEmpty()) {
                return new Unusable("this GitLab CI job does not set " + String.join(", ", missing));
            }
            var api = env.get("CI_API_V4_URL").replaceAll("/+$", "");
            var server = api.endsWith("/api/v4") ? api.substring(0, api.length() - "/api/v4".length()) : api;
            return new Found(new GitLab(env.get("CI_PROJECT_PATH"), URI.create(server),
                    URI.create(value(env, "CI_SERVER_URL").orElse(server)), env.get("LABGATE_GITLAB_TOKEN"),
                    env.get("CI_COMMIT_SHA"), value(env, "CI_MERGE_REQUEST_IID"), value(env, "CI_COMMIT_BRANCH"),
                    value(env, "CI_JOB_URL"), Optional.empty()));
        }
        return new Unusable("neither GITHUB_ACTIONS nor GITLAB_CI is 'true': labgate action runs inside a GitHub "
                + "Actions or GitLab CI job (use 'labgate serve' elsewhere)");
    }

    private static List<String> missing(Map<String, String> env, String... names) {
        var missing = new ArrayList<String>();
        for (var name : names) {
            if (value(env, name).isEmpty()) {
                missing.add(name);
            }
        }
        return missing;
    }

    private static Optional<String> value(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank());
    }

    private static Optional<Path> path(Map<String, String> env, String name) {
        return value(env, name).map(Path::of);
    }
}
