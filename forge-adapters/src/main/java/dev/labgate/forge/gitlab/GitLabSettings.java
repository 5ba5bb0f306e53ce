package dev.labgate.forge.gitlab;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * How labgate reaches one GitLab (gitlab.com or a self-managed instance).
 *
 * @param name the forge's name in the policy, usually {@code gitlab}
 * @param url the instance, {@code https://gitlab.com} or {@code https://gitlab.example.org}; the
 *            API is under {@code /api/v4} and web links are built from it
 * @param gitUrl where projects are cloned from, usually the same as {@code url}; the only host code is fetched from
 * @param webhookTokens accepted secret tokens; several during a rotation, none rejects every delivery
 * @param token a project, group or personal access token with the {@code api} scope
 * @param botUsername the account labgate writes as, so that its own notes are never taken as
 *                    commands; null to learn it from the API
 */
public record GitLabSettings(String name, URI url, URI gitUrl, List<String> webhookTokens, String token,
                             String botUsername) {

    public GitLabSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(gitUrl, "gitUrl");
        webhookTokens = webhookTokens.stream().filter(s -> s != null && !s.isEmpty()).toList();
        token = token == null || token.isEmpty() ? null : token;
        botUsername = botUsername == null || botUsername.isEmpty() ? null : botUsername;
    }

    /** The clone URL of a project on the configured host, whatever a payload says. */
    public String cloneUrl(String path) {
        return base(gitUrl) + path + ".git";
    }

    /** The web page of a merge request (and of a note on it, with {@code #note_<id>}). */
    public String mergeRequestUrl(String path, long iid) {
        return base(url) + path + "/-/merge_requests/" + iid;
    }

    private static String base(URI uri) {
        var text = uri.toString();
        return text.endsWith("/") ? text : text + "/";
    }

    @Override
    public String toString() {
        return "GitLabSettings[name=" + name + ", url=" + url + ", gitUrl=" + gitUrl + ", webhookTokens="
                + webhookTokens.size() + " configured, token=" + (token == null ? "none" : "set") + "]";
    }
}
