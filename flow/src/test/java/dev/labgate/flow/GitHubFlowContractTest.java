package dev.labgate.flow;

import dev.labgate.core.forge.Forge;
import dev.labgate.forge.github.GitHubForge;
import dev.labgate.forge.github.GitHubSettings;
import dev.labgate.testkit.FakeForge;
import dev.labgate.testkit.FakeGitHub;

import java.net.URI;
import java.time.Clock;
import java.util.List;

/** The flow's forge scenarios on GitHub, with a token. */
class GitHubFlowContractTest extends FlowContract {

    @Override
    protected FakeForge newFake() throws Exception {
        return new FakeGitHub("labgate-bot").acceptToken("gh-token");
    }

    @Override
    protected Forge newForge(FakeForge fake, Clock clock) {
        return new GitHubForge(GitHubSettings.withToken("github", fake.url(), URI.create("https://github.example"),
                List.of(FlowWorld.SECRET), "gh-token", "labgate-bot"), clock);
    }
}
