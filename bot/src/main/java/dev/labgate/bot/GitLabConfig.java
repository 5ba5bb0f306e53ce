package dev.labgate.bot;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * The GitLab connection ({@code labgate.gitlab.*}; e.g. {@code LABGATE_GITLAB_URL},
 * {@code LABGATE_GITLAB_WEBHOOK_TOKENS}, {@code LABGATE_GITLAB_TOKEN}). GitLab is served only when
 * its URL is set. Secrets come from the environment, never from the policy file.
 *
 * @param url the instance, {@code https://gitlab.com} or a self-managed one
 * @param gitUrl where projects are cloned from; the instance URL when unset
 * @param webhookTokens the secret tokens set on labgate's webhooks; several during a rotation
 * @param token an access token with the {@code api} scope (project, group or personal)
 * @param botUsername the account of that token; asked of GitLab when unset
 */
@ConfigurationProperties("labgate.gitlab")
public record GitLabConfig(Optional<URI> url, Optional<URI> gitUrl, Optional<List<String>> webhookTokens,
                           Optional<String> token, Optional<String> botUsername) {

    @Override
    public String toString() {
        return "GitLabConfig[url=" + url.map(URI::toString).orElse("none") + ", webhookTokens="
                + webhookTokens.map(List::size).orElse(0) + " configured, token=" + (token.isPresent() ? "set" : "none")
                + "]";
    }
}
