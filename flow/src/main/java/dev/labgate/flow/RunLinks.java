package dev.labgate.flow;

import java.util.Optional;

/**
 * Links to labgate's own pages, from the public base URL the operator configured. Without one,
 * statuses carry no link rather than a link that leads nowhere.
 */
public final class RunLinks {

    private final Optional<String> baseUrl;

    public RunLinks(Optional<String> baseUrl) {
        this.baseUrl = baseUrl.map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
    }

    /** The page of a run, or null when no public base URL is configured. */
    public String run(String runId) {
        return baseUrl.map(u -> u + "/runs/" + runId).orElse(null);
    }

    /** Where labgate serves the output of a run of a lab that runs on its host, or null without a public URL. */
    public String log(String runId) {
        return baseUrl.map(u -> u + "/runs/" + runId + "/log").orElse(null);
    }
}
