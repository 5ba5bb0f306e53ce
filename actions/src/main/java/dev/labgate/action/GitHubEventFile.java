package dev.labgate.action;

import dev.labgate.core.event.Delivery;
import dev.labgate.core.event.DeliveryKey;
import dev.labgate.core.event.ForgeEvent;
import dev.labgate.forge.github.GitHubEvents;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;

/**
 * The event that started a GitHub Actions job, read from {@code GITHUB_EVENT_PATH}. The file holds
 * the same payload as the webhook, so it is parsed by the service's own {@link GitHubEvents}: the
 * one-shot action and the service see a pull request identically.
 */
public final class GitHubEventFile {

    private final GitHubEvents events;
    private final Clock clock;

    public GitHubEventFile(GitHubEvents events, Clock clock) {
        this.events = events;
        this.clock = clock;
    }

    /**
     * The event of the job. {@code pull_request_target} carries a {@code pull_request} payload
     * (it differs only in which workflow file and secrets are used), so it is read as one.
     */
    public ForgeEvent read(Runner.GitHub runner) throws IOException {
        var body = Files.readAllBytes(runner.eventPath());
        var name = runner.eventName().equals("pull_request_target") ? "pull_request" : runner.eventName();
        return events.parse(new Delivery(new DeliveryKey("github", "action:" + runner.eventPath().getFileName()),
                name, body, clock.instant()));
    }
}
