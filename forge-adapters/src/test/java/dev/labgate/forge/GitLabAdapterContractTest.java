package dev.labgate.forge;

import dev.labgate.core.forge.Forge;
import dev.labgate.forge.gitlab.GitLabForge;
import dev.labgate.forge.gitlab.GitLabSettings;
import dev.labgate.testkit.FakeForge;
import dev.labgate.testkit.FakeGitLab;

import java.time.Clock;
import java.util.List;

/** The forge adapter contract, for GitLab with a token. */
class GitLabAdapterContractTest extends ForgeAdapterContract {

    private FakeGitLab gitlab() {
        return (FakeGitLab) fake;
    }

    @Override
    protected FakeForge newFake() throws Exception {
        return new FakeGitLab("glpat-token", "labgate-bot");
    }

    @Override
    protected Forge newForge(FakeForge fake, Clock clock) {
        return new GitLabForge(new GitLabSettings("gitlab", fake.url(), fake.url(), List.of("secret"), "glpat-token",
                null), clock);
    }

    @Override
    protected String teamWith(String user) {
        gitlab().groupMember("acme/maintainers", user, 40);
        return "acme/maintainers";
    }

    @Override
    protected void gpgKey(String user, String armored) {
        gitlab().gpgKey(user, armored);
    }

    @Override
    protected void sshSigningKey(String user, String line) {
        gitlab().sshKey(user, line, "auth_and_signing");
    }

    @Override
    protected int longestComment() {
        return 1_000_000;
    }

    @Override
    protected void fileOnDefaultBranch(String path, String content) {
        gitlab().file(REPO, path, content);
    }

    @Override
    protected void push(String branch, String before, String sha, String pusher) {
        gitlab().push(REPO, branch, before, sha, pusher);
    }

    @Override
    protected void moveUnlogged(String branch, String sha) {
        gitlab().branch(REPO, branch, sha);
    }
}
