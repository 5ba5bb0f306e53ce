package dev.labgate.forge.github;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How labgate reaches one GitHub (github.com or an Enterprise server).
 *
 * @param name the forge's name in the policy, usually {@code github}
 * @param apiUrl the REST API root, {@code https://api.github.com} or {@code https://HOST/api/v3}
 * @param gitUrl where repositories are cloned from, {@code https://github.com}; the only host code is fetched from
 * @param webhookSecrets accepted webhook secrets; several during a rotation, none rejects every delivery
 * @param token a personal or bot token for the API; unused when {@code app} is set
 * @param botLogin the account labgate writes as ({@code <app-slug>[bot]} for an App), so that its own
 *                 comments are never taken as commands; null to learn it from the API
 * @param app GitHub App credentials; when present labgate authenticates as the App's installations
 *            and reports with check runs
 * @param rateReserve how many calls of the hourly API budget are kept for reports
 */
public record GitHubSettings(String name, URI apiUrl, URI gitUrl, List<String> webhookSecrets, String token,
                             String botLogin, Optional<App> app, int rateReserve) {

    /**
     * A GitHub App's identity.
     *
     * @param id the App id (a number, shown on the App's settings page)
     * @param privateKeyPem the App's private key, PEM (PKCS#1 as GitHub hands it out, or PKCS#8)
     */
    public record App(String id, String privateKeyPem) {
        public App {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(privateKeyPem, "privateKeyPem");
        }

        @Override
        public String toString() {
            return "App[id=" + id + ", privateKey=(set)]";
        }
    }

    public GitHubSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(apiUrl, "apiUrl");
        Objects.requireNonNull(gitUrl, "gitUrl");
        webhookSecrets = webhookSecrets.stream().filter(s -> s != null && !s.isEmpty()).toList();
        token = token == null || token.isEmpty() ? null : token;
        botLogin = botLogin == null || botLogin.isEmpty() ? null : botLogin;
        Objects.requireNonNull(app, "app");
    }

    /** Settings for a token (or anonymous) connection with the default reserve. */
    public static GitHubSettings withToken(String name, URI apiUrl, URI gitUrl, List<String> webhookSecrets,
                                           String token, String botLogin) {
        return new GitHubSettings(name, apiUrl, gitUrl, webhookSecrets, token, botLogin, Optional.empty(), 100);
    }

    /** The clone URL of a repository on the configured host, whatever a payload says. */
    public String cloneUrl(String fullName) {
        var base = gitUrl.toString();
        return (base.endsWith("/") ? base : base + "/") + fullName + ".git";
    }

    @Override
    public String toString() {
        return "GitHubSettings[name=" + name + ", apiUrl=" + apiUrl + ", gitUrl=" + gitUrl + ", webhookSecrets="
                + webhookSecrets.size() + " configured, token=" + (token == null ? "none" : "set") + ", app="
                + app.map(App::toString).orElse("none") + "]";
    }
}
