package dev.labgate.bot;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The GitHub connection ({@code labgate.github.*}; e.g. {@code LABGATE_GITHUB_WEBHOOK_SECRETS},
 * {@code LABGATE_GITHUB_TOKEN}, {@code LABGATE_GITHUB_APP_ID} with
 * {@code LABGATE_GITHUB_PRIVATE_KEY_FILE}). Secrets come from the environment, never from the
 * policy file. With an App id labgate authenticates as that GitHub App, and the token is unused.
 *
 * @param privateKey the App's private key (PEM) itself; {@code privateKeyFile} names a file holding it instead
 * @param rateReserve calls of the hourly API budget kept for statuses and comments
 */
@ConfigurationProperties("labgate.github")
public record GitHubConfig(@Bindable(defaultValue = "https://api.github.com") URI apiUrl,
                           @Bindable(defaultValue = "https://github.com") URI gitUrl,
                           Optional<List<String>> webhookSecrets, Optional<String> token,
                           Optional<String> botLogin, Optional<String> appId, Optional<String> privateKey,
                           Optional<Path> privateKeyFile, @Bindable(defaultValue = "100") int rateReserve) {

    @Override
    public String toString() {
        return "GitHubConfig[apiUrl=" + apiUrl + ", gitUrl=" + gitUrl + ", webhookSecrets="
                + webhookSecrets.map(List::size).orElse(0) + " configured, token=" + (token.isPresent() ? "set" : "none")
                + ", appId=" + appId.orElse("none") + "]";
    }
}
