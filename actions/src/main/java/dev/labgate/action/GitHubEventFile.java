package dev.labgate.action;

import dev.labgate.core.event.Delivery;
import dev.labgate.core.event.DeliveryKey;
import dev.labgate.core.event.ForgeEvent;
import dev.labgate.core.forge.Forge;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;

/**
 * The event that started a GitHub Actions job, read from {@code GITHUB_EVENT_PATH}. The file holds
 * the same payload as the webhook, so it is parsed by the service's own GitHub adapter: the
 * one-shot action and the service see a pull request identically.
 */
public final class GitHubEventFile {

    private final Forge forge;
    private final Clock clock;

    public GitHubEventFile(Forge forge, Clock clock) {
        this.forge = forge;
        this.clock = clock;
    }

    /**
     * The event of the job. {@code pull_request_target} carries a {@code pull_request} payload
     * (it differs only in which workflow file and secrets are used), so it is read as one.
     */
    public ForgeEvent read(Runner.GitHub runner) throws IOException {
        var body = Files.readAllBytes(runner.eventPath());
        var name = runner.eventName().equals("pull_request_target") ? "pull_request" : runner.eventName();
        return forge.parse(new Delivery(new DeliveryKey(forge.name(), "action:" + runner.eventPath().getFileName()),
                name, body, clock.instant()));
    }
}
