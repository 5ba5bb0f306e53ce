package dev.labgate.forge.github;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labgate.testkit.FakeGitHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The fake's review API refuses what GitHub refuses, with GitHub's answers. */
class GitHubReviewApiTest {

    private static final String HEAD = "1111111111111111111111111111111111111111";
    private static final String DIFF = """
            diff --git a/drivers/a.c b/drivers/a.c
            index 1111111..2222222 100644
            --- a/drivers/a.c
            +++ b/drivers/a.c
            @@ -10,6 +10,7 @@ static int a_probe(void)
             	int x;
             	int y;
             	int z;
            +	int added;
             	return 0;
             }
             
            """;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private FakeGitHub github;

    @BeforeEach
    void start() throws IOException {
        github = new FakeGitHub().acceptToken("t");
        github.openChange("acme/linux", 7, "alice", HEAD, HEAD.replace('1', '2'), false, List.of(), List.of(HEAD));
        github.changeDiff("acme/linux", 7, DIFF);
    }

    @AfterEach
    void stop() {
        github.close();
    }

    @Test
    @DisplayName("a comment on a line of the diff is taken; the files list hands out the patch")
    void on_the_diff() throws Exception {
        var answer = post("{\"commit_id\":\"" + HEAD + "\",\"event\":\"COMMENT\",\"body\":\"b\",\"comments\":"
                + "[{\"path\":\"drivers/a.c\",\"line\":13,\"side\":\"RIGHT\",\"body\":\"c\"},"
                + "{\"path\":\"drivers/a.c\",\"line\":12,\"side\":\"RIGHT\",\"body\":\"context\"}]}");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(answer.body()).path("state").asText()).isEqualTo("COMMENTED");
        assertThat(github.reviewComments("acme/linux", 7)).extracting(FakeGitHub.ReviewComment::line)
                .containsExactly(13, 12);
        var files = HTTP.send(HttpRequest.newBuilder(URI.create(github.url() + "/repos/acme/linux/pulls/7/files"))
                .header("Authorization", "token t").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(files.body()).get(0).path("patch").asText()).startsWith("@@ -10,6 +10,7 @@");
    }

    @Test
    @DisplayName("a comment on a line outside the diff refuses the whole review with 422")
    void outside_the_diff() throws Exception {
        var answer = post("{\"commit_id\":\"" + HEAD + "\",\"event\":\"COMMENT\",\"body\":\"b\",\"comments\":"
                + "[{\"path\":\"drivers/a.c\",\"line\":13,\"body\":\"fine\"},"
                + "{\"path\":\"drivers/a.c\",\"line\":40,\"side\":\"RIGHT\",\"body\":\"c\"}]}");
        assertThat(answer.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(answer.body()).path("errors").get(0).asText())
                .isEqualTo("Pull request review thread line must be part of the diff and Pull request review thread "
                        + "diff hunk can't be blank");
        assertThat(github.reviews("acme/linux", 7)).isEmpty();
        assertThat(github.reviewComments("acme/linux", 7)).isEmpty();
    }

    @Test
    @DisplayName("a multi-line comment must start before its line and in the same hunk")
    void start_line() throws Exception {
        var after = post("{\"event\":\"COMMENT\",\"body\":\"b\",\"comments\":[{\"path\":\"drivers/a.c\","
                + "\"start_line\":13,\"line\":13,\"body\":\"c\"}]}");
        assertThat(JSON.readTree(after.body()).path("errors").get(0).asText())
                .isEqualTo("Pull request review thread start line must precede the end line.");
        var outside = post("{\"event\":\"COMMENT\",\"body\":\"b\",\"comments\":[{\"path\":\"drivers/a.c\","
                + "\"start_line\":2,\"line\":13,\"body\":\"c\"}]}");
        assertThat(JSON.readTree(outside.body()).path("errors").get(0).asText())
                .isEqualTo("Pull request review thread start line must be part of the same hunk as the line.");
    }

    @Test
    @DisplayName("a file the diff does not have, or a body missing for COMMENT, is refused with 422")
    void other_refusals() throws Exception {
        assertThat(post("{\"event\":\"COMMENT\",\"body\":\"b\",\"comments\":[{\"path\":\"kernel/x.c\",\"line\":1,"
                + "\"body\":\"c\"}]}").statusCode()).isEqualTo(422);
        assertThat(post("{\"event\":\"COMMENT\",\"comments\":[]}").statusCode()).isEqualTo(422);
    }

    @Test
    @DisplayName("only reviews that request changes (or approve) can be dismissed")
    void dismissals() throws Exception {
        var comment = JSON.readTree(post("{\"event\":\"COMMENT\",\"body\":\"b\"}").body()).path("id").asLong();
        var dismiss = put("/repos/acme/linux/pulls/7/reviews/" + comment + "/dismissals", "{\"message\":\"m\"}");
        assertThat(dismiss.statusCode()).isEqualTo(422);
        assertThat(dismiss.body()).contains("Can not dismiss a commented pull request review");
        var change = JSON.readTree(post("{\"event\":\"REQUEST_CHANGES\",\"body\":\"b\"}").body()).path("id").asLong();
        assertThat(put("/repos/acme/linux/pulls/7/reviews/" + change + "/dismissals", "{\"message\":\"m\"}")
                .statusCode()).isEqualTo(200);
        assertThat(put("/repos/acme/linux/pulls/7/reviews/" + change + "/dismissals", "{\"message\":\"m\"}").body())
                .contains("Can not dismiss a dismissed pull request review");
    }

    @Test
    @DisplayName("a token without pull-requests: write cannot review (403)")
    void forbidden() throws Exception {
        github.forbidReviews();
        var answer = post("{\"event\":\"COMMENT\",\"body\":\"b\"}");
        assertThat(answer.statusCode()).isEqualTo(403);
        assertThat(answer.body()).contains("Resource not accessible by integration");
    }

    private HttpResponse<String> post(String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(github.url() + "/repos/acme/linux/pulls/7/reviews"))
                .header("Authorization", "token t").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> put(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(github.url() + path)).header("Authorization", "token t")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
