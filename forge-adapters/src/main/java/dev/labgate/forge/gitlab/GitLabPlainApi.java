package dev.labgate.forge.gitlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.Response;
import org.gitlab4j.api.AbstractApi;
import org.gitlab4j.api.GitLabApi;
import org.gitlab4j.api.GitLabApiException;
import org.gitlab4j.api.GitLabApiForm;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The GitLab calls labgate makes without gitlab4j's models, through gitlab4j's own connection (so
 * the token, timeouts and errors are the same): where those models lose a field labgate needs
 * (an SSH key's {@code usage_type}) or send a word that depends on the JVM's locale (gitlab4j
 * lower-cases {@code CommitBuildState} with the default locale: {@code pendıng} under Turkish).
 */
final class GitLabPlainApi extends AbstractApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    GitLabPlainApi(GitLabApi api) {
        super(api);
    }

    /**
     * {@code POST /projects/:id/statuses/:sha} (lib/api/commit_statuses.rb).
     *
     * @param state one of GitLab's words: {@code pending}, {@code running}, {@code success}, {@code failed}
     * @param ref the ref GitLab files the status under; GitLab guesses one when it is null (see
     *            {@link GitLabForge#setStatus})
     */
    void setStatus(String project, String sha, String state, String ref, String name, String description,
                   String targetUrl) throws GitLabApiException {
        var form = new GitLabApiForm().withParam("state", state, true).withParam("ref", ref).withParam("name", name)
                .withParam("description", description).withParam("target_url", targetUrl);
        post(Response.Status.CREATED, form, "projects", getProjectIdOrPath(project), "statuses", sha);
    }

    /** {@code GET /users/:id/keys}: a user's SSH keys with their {@code usage_type} (GitLab 15.7 and later). */
    List<JsonNode> sshKeys(long userId) throws GitLabApiException {
        var response = get(Response.Status.OK, new GitLabApiForm().withParam("per_page", 100).asMap(), "users", userId,
                "keys");
        try {
            var keys = new ArrayList<JsonNode>();
            JSON.readTree(response.readEntity(String.class)).forEach(keys::add);
            return keys;
        } catch (IOException e) {
            throw new GitLabApiException(e);
        }
    }
}
