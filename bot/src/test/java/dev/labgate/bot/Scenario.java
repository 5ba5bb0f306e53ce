package dev.labgate.bot;

import dev.labgate.testkit.FakeGitHub;
import dev.labgate.testkit.FakeGitLab;
import dev.labgate.testkit.TestRepository;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * One world for a test: a fake GitHub and a fake GitLab, a real git repository standing in for the
 * forges' git host, a policy with a command lab, and the properties that point labgate at all of them.
 */
final class Scenario implements AutoCloseable {

    static final String REPO = "acme/linux";
    static final String SECRET = "s3cret-for-tests";
    static final String GITLAB_TOKEN = "glpat-for-tests";

    final Path root;
    final FakeGitHub github;
    final FakeGitLab gitlab;
    final TestRepository git;
    final String base;
    final String head;

    Scenario(Path root, String labCommand) {
        this.root = root;
        try {
            this.github = new FakeGitHub();
            this.gitlab = new FakeGitLab(GITLAB_TOKEN, "labgate-bot");
            this.git = TestRepository.create(root.resolve("git"), REPO);
            // The forges' payloads name clone URLs on the git host labgate is configured with, as real ones do.
            github.gitUrl(TestRepository.gitUrl(root.resolve("git")));
            gitlab.gitUrl(TestRepository.gitUrl(root.resolve("git")));
            this.base = git.commit("refs/heads/master", null, "base", Map.of("README", "a kernel\n"));
            this.head = git.commit("refs/pull/7/head", base, "add hello",
                    Map.of("README", "a kernel\n", "hello.txt", "hello\n"));
            git.setRef("refs/merge-requests/7/head", head);
            Files.writeString(root.resolve("policy.yml"), """
                    repositories:
                      - github: %s
                      - gitlab: %s
                    trust:
                      min-permission: write
                    labs:
                      local:
                        type: command
                        command: '%s'
                        timeout: 2m
                    plans:
                      - name: smoke
                        lab: local
                    """.formatted(REPO, REPO, labCommand.replace("'", "''")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Map<String, Object> properties() {
        var p = new HashMap<String, Object>();
        p.put("labgate.data-dir", root.resolve("data").toString());
        p.put("labgate.policy", root.resolve("policy.yml").toString());
        p.put("labgate.public-url", "https://labgate.example");
        p.put("labgate.github.api-url", github.url().toString());
        p.put("labgate.github.git-url", TestRepository.gitUrl(root.resolve("git")));
        p.put("labgate.github.webhook-secrets", SECRET);
        p.put("labgate.github.token", "test-token");
        p.put("labgate.gitlab.url", gitlab.url().toString());
        p.put("labgate.gitlab.git-url", TestRepository.gitUrl(root.resolve("git")));
        p.put("labgate.gitlab.webhook-tokens", SECRET);
        p.put("labgate.gitlab.token", GITLAB_TOKEN);
        return p;
    }

    @Override
    public void close() {
        github.close();
        gitlab.close();
        git.close();
    }
}
