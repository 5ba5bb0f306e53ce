package dev.labgate.forge;

import dev.labgate.core.forge.Forge;
import dev.labgate.forge.github.GitHubForge;
import dev.labgate.forge.github.GitHubSettings;
import dev.labgate.testkit.FakeForge;
import dev.labgate.testkit.FakeGitHub;

import java.net.URI;
import java.time.Clock;
import java.util.List;

/** The forge adapter contract, for GitHub with a token. */
class GitHubAdapterContractTest extends ForgeAdapterContract {

    private FakeGitHub github() {
        return (FakeGitHub) fake;
    }

    @Override
    protected FakeForge newFake() throws Exception {
        return new FakeGitHub("labgate-bot").acceptToken("gh-token");
    }

    @Override
    protected Forge newForge(FakeForge fake, Clock clock) {
        return new GitHubForge(GitHubSettings.withToken("github", fake.url(), URI.create("https://github.example"),
                List.of("secret"), "gh-token", null), clock);
    }

    @Override
    protected String teamWith(String user) {
        github().teamMember("acme", "kernel-maintainers", user);
        return "acme/kernel-maintainers";
    }

    @Override
    protected void gpgKey(String user, String armored) {
        github().gpgKey(user, "3AA5C34371567BD2", armored);
    }

    @Override
    protected void sshSigningKey(String user, String line) {
        github().sshSigningKey(user, line);
    }

    @Override
    protected int longestComment() {
        return 65_536;
    }

    @Override
    protected void fileOnDefaultBranch(String path, String content) {
        github().file(REPO, path, content);
    }

    @Override
    protected void push(String branch, String before, String sha, String pusher) {
        github().push(REPO, branch, before, sha, pusher);
    }

    @Override
    protected void moveUnlogged(String branch, String sha) {
        github().branch(REPO, branch, sha);
    }
}
