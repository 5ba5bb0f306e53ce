package dev.labgate.forge.github;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * How labgate reaches one GitHub (github.com or an Enterprise server).
 *
 * @param name the forge's name in the policy, usually {@code github}
 * @param apiUrl the REST API root, {@code https://api.github.com} or {@code https://HOST/api/v3}
 * @param gitUrl where repositories are cloned from, {@code https://github.com}; the only host code is fetched from
 * @param webhookSecrets accepted webhook secrets; several during a rotation, none rejects every delivery
 * @param token a personal or bot token for the API
 * @param botLogin the account labgate writes as, so that its own comments are never taken as commands
 */
public record GitHubSettings(String name, URI apiUrl, URI gitUrl, List<String> webhookSecrets, String token,
                             String botLogin) {
    public GitHubSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(apiUrl, "apiUrl");
        Objects.requireNonNull(gitUrl, "gitUrl");
        webhookSecrets = webhookSecrets.stream().filter(s -> s != null && !s.isEmpty()).toList();
    }

    /** The clone URL of a repository on the configured host, whatever a payload says. */
    public String cloneUrl(String fullName) {
        var base = gitUrl.toString();
        return (base.endsWith("/") ? base : base + "/") + fullName + ".git";
    }

    @Override
    public String toString() {
        return "GitHubSettings[name=" + name + ", apiUrl=" + apiUrl + ", gitUrl=" + gitUrl + ", webhookSecrets="
                + webhookSecrets.size() + " configured, token=" + (token == null ? "none" : "set") + "]";
    }
}
