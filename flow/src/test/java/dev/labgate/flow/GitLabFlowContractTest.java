package dev.labgate.flow;

import dev.labgate.core.forge.Forge;
import dev.labgate.forge.gitlab.GitLabForge;
import dev.labgate.forge.gitlab.GitLabSettings;
import dev.labgate.testkit.FakeForge;
import dev.labgate.testkit.FakeGitLab;

import java.time.Clock;
import java.util.List;

/** The flow's forge scenarios on GitLab, with a token. */
class GitLabFlowContractTest extends FlowContract {

    @Override
    protected FakeForge newFake() throws Exception {
        return new FakeGitLab("glpat-token", "labgate-bot");
    }

    @Override
    protected Forge newForge(FakeForge fake, Clock clock) {
        return new GitLabForge(new GitLabSettings("gitlab", fake.url(), fake.url(), List.of(FlowWorld.SECRET),
                "glpat-token", "labgate-bot"), clock);
    }
}
