package dev.labgate.bot;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * The GitHub connection ({@code labgate.github.*}; e.g. {@code LABGATE_GITHUB_WEBHOOK_SECRETS},
 * {@code LABGATE_GITHUB_TOKEN}). Secrets come from the environment, never from the policy file.
 */
@ConfigurationProperties("labgate.github")
public record GitHubConfig(@Bindable(defaultValue = "https://api.github.com") URI apiUrl,
                           @Bindable(defaultValue = "https://github.com") URI gitUrl,
                           Optional<List<String>> webhookSecrets, Optional<String> token,
                           Optional<String> botLogin) {

    @Override
    public String toString() {
        return "GitHubConfig[apiUrl=" + apiUrl + ", gitUrl=" + gitUrl + ", webhookSecrets="
                + webhookSecrets.map(List::size).orElse(0) + " configured, token=" + (token.isPresent() ? "set" : "none")
                + "]";
    }
}
