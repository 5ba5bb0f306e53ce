package dev.labgate.forge.gitlab;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labgate.testkit.FakeGitLab;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The fake's discussions API places notes as GitLab does, and refuses what GitLab refuses. */
class GitLabDiscussionApiTest {

    private static final String HEAD = "1111111111111111111111111111111111111111";
    private static final String BASE = "2222222222222222222222222222222222222222";
    private static final String DIFF = """
            diff --git a/drivers/a.c b/drivers/a.c
            index 1111111..2222222 100644
            --- a/drivers/a.c
            +++ b/drivers/a.c
            @@ -10,5 +10,5 @@ static int a_probe(void)
             	int x;
            -	int y;
            +	long y;
             	int z;
             	return 0;
             }
            """;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private FakeGitLab gitlab;

    @BeforeEach
    void start() throws IOException {
        gitlab = new FakeGitLab("t");
        gitlab.openChange("acme/linux", 7, "alice", HEAD, BASE, false, List.of(), List.of(HEAD));
        gitlab.changeDiff("acme/linux", 7, DIFF);
    }

    @AfterEach
    void stop() {
        gitlab.close();
    }

    @Test
    @DisplayName("an added line is placed by its new line, a removed one by its old line, a context line by both")
    void on_the_diff() throws Exception {
        assertThat(post(position(11, null)).statusCode()).isEqualTo(201);
        assertThat(post(position(null, 11)).statusCode()).isEqualTo(201);
        assertThat(post(position(12, 12)).statusCode()).isEqualTo(201);
        assertThat(gitlab.discussions("acme/linux", 7)).hasSize(3)
                .allSatisfy(d -> assertThat(d.notes().get(0).position()).isNotNull());
    }

    @Test
    @DisplayName("a line outside the diff, or a context line by its new line alone, is refused with 400")
    void outside_the_diff() throws Exception {
        var outside = post(position(40, null));
        assertThat(outside.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(outside.body()).path("message").asText())
                .isEqualTo("400 Bad request - Note {:line_code=>[\"can't be blank\", \"must be a valid line code\"]}");
        assertThat(post(position(12, null)).statusCode()).isEqualTo(400);
        assertThat(gitlab.discussions("acme/linux", 7)).isEmpty();
    }

    @Test
    @DisplayName("SHAs that are not a diff version of the merge request place nothing; a missing one is a 400 too")
    void shas() throws Exception {
        var params = position(11, null);
        params.put("position[start_sha]", HEAD);
        assertThat(post(params).statusCode()).isEqualTo(400);
        params.remove("position[head_sha]");
        var missing = post(params);
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("position[head_sha] is missing");
    }

    @Test
    @DisplayName("a discussion is resolved, and shows so")
    void resolve() throws Exception {
        var id = JSON.readTree(post(position(11, null)).body()).path("id").asText();
        var answer = HTTP.send(HttpRequest.newBuilder(URI.create(project() + "/discussions/" + id + "?resolved=true"))
                .header("PRIVATE-TOKEN", "t").PUT(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        var note = JSON.readTree(answer.body()).path("notes").get(0);
        assertThat(note.path("resolved").asBoolean()).isTrue();
        assertThat(note.path("resolved_by").path("username").asText()).as("the token's user").isNotBlank();
        assertThat(gitlab.discussions("acme/linux", 7).get(0).resolved()).isTrue();
    }

    private Map<String, String> position(Integer newLine, Integer oldLine) {
        var params = new LinkedHashMap<String, String>();
        params.put("body", "c");
        params.put("position[base_sha]", BASE);
        params.put("position[start_sha]", BASE);
        params.put("position[head_sha]", HEAD);
        params.put("position[position_type]", "text");
        params.put("position[new_path]", "drivers/a.c");
        params.put("position[old_path]", "drivers/a.c");
        if (newLine != null) {
            params.put("position[new_line]", newLine.toString());
        }
        if (oldLine != null) {
            params.put("position[old_line]", oldLine.toString());
        }
        return params;
    }

    private String project() {
        return gitlab.url() + "/api/v4/projects/acme%2Flinux/merge_requests/7";
    }

    private HttpResponse<String> post(Map<String, String> params) throws Exception {
        var form = params.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return HTTP.send(HttpRequest.newBuilder(URI.create(project() + "/discussions")).header("PRIVATE-TOKEN", "t")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
