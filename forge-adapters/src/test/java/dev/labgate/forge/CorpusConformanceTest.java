package dev.labgate.forge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labgate.core.event.Command;
import dev.labgate.core.event.ForgeEvent;
import dev.labgate.forge.github.GitHubEvents;
import dev.labgate.forge.github.GitHubSettings;
import dev.labgate.forge.gitlab.GitLabEvents;
import dev.labgate.forge.gitlab.GitLabSettings;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.labgate.forge.Fixtures.corpus;
import static dev.labgate.forge.Fixtures.delivery;
import static dev.labgate.forge.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * Every webhook payload of the shared corpus (octokit/webhooks' examples for GitHub; GitLab's
 * documentation and gitlab4j's fixtures for GitLab) goes through the parsers. Each must map to an
 * event or to {@code Ignored}, and a mapped event's key fields must equal what the JSON says, read
 * here independently of the parser. Payloads are also tried under every event name the parsers
 * know, which must never make them throw. Skipped, with the reason, when the corpus is absent.
 */
class CorpusConformanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ZEROS = "0000000000000000000000000000000000000000";
    private static final GitHubEvents GITHUB = new GitHubEvents(GitHubSettings.withToken("github",
            URI.create("https://api.github.com"), URI.create("https://github.com"), List.of("s"), null, "labgate-bot"));
    private static final GitLabEvents GITLAB = new GitLabEvents(new GitLabSettings("gitlab",
            URI.create("http://example.com"), URI.create("http://example.com"), List.of("t"), null, "labgate-bot"),
            id -> "user-" + id);
    private static final List<String> GITHUB_EVENTS = List.of("pull_request", "push", "issue_comment", "ping",
            "installation", "installation_repositories");
    private static final List<String> GITLAB_EVENTS = List.of("Merge Request Hook", "Push Hook", "Note Hook",
            "Tag Push Hook", "System Hook", "Pipeline Hook");

    private static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- GitHub

    @TestFactory
    List<DynamicTest> every_github_payload_maps_to_the_event_its_json_describes() {
        var dir = corpus("github-webhooks/payload-examples");
        var tests = new ArrayList<DynamicTest>();
        for (var file : json(dir)) {
            var event = file.getParent().getFileName().toString();
            tests.add(DynamicTest.dynamicTest(event + "/" + file.getFileName(), () -> {
                var root = read(file);
                var mapped = GITHUB.parse(delivery("github", event, Files.readAllBytes(file)));
                expectGitHub(event, root, mapped);
                for (var other : GITHUB_EVENTS) {
                    assertThatCode(() -> GITHUB.parse(delivery("github", other, Files.readAllBytes(file))))
                            .as("%s read as %s", file.getFileName(), other).doesNotThrowAnyException();
                }
            }));
        }
        assertThat(tests).as("payloads in %s", dir).isNotEmpty();
        return tests;
    }

    @TestFactory
    List<DynamicTest> a_command_written_in_any_github_comment_payload_is_issued_by_its_writer() {
        var dir = corpus("github-webhooks/payload-examples/issue_comment");
        var tests = new ArrayList<DynamicTest>();
        for (var file : json(dir)) {
            var root = (ObjectNode) read(file);
            if (!"created".equals(root.path("action").asText())) {
                continue;
            }
            tests.add(DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
                root.withObject("/issue").putObject("pull_request").put("url", "https://api.github.com/pulls/1");
                root.withObject("/comment").put("body", "Lab was down.\n/labgate retest");
                var mapped = GITHUB.parse(delivery("github", "issue_comment", bytes(root)));
                assertThat(mapped).isInstanceOfSatisfying(ForgeEvent.CommandIssued.class, c -> {
                    assertThat(c.command()).isEqualTo(Command.RETEST);
                    assertThat(c.by().login()).isEqualTo(root.path("comment").path("user").path("login").asText());
                    assertThat(c.change().number()).isEqualTo(root.path("issue").path("number").asLong());
                    assertThat(c.change().repo().fullName()).isEqualTo(root.path("repository").path("full_name").asText());
                    assertThat(c.commentId()).isEqualTo(root.path("comment").path("id").asText());
                });
            }));
        }
        return tests;
    }

    private static void expectGitHub(String event, JsonNode root, ForgeEvent mapped) {
        var action = root.path("action").asText("");
        var moves = Set.of("opened", "synchronize", "reopened", "ready_for_review", "converted_to_draft");
        if (event.equals("pull_request") && (moves.contains(action)
                || action.equals("edited") && root.path("changes").has("base"))) {
            var pr = root.path("pull_request");
            assertThat(mapped).isInstanceOfSatisfying(ForgeEvent.ChangeUpdated.class, c -> {
                assertThat(c.change().number()).isEqualTo(pr.path("number").asLong());
                assertThat(c.change().repo().fullName()).isEqualTo(root.path("repository").path("full_name").asText());
                assertThat(c.headSha()).isEqualTo(pr.path("head").path("sha").asText());
                assertThat(c.baseSha()).isEqualTo(pr.path("base").path("sha").asText());
                assertThat(c.baseRef()).isEqualTo(pr.path("base").path("ref").asText());
                assertThat(c.author().login()).isEqualTo(pr.path("user").path("login").asText());
                assertThat(c.fromFork()).isEqualTo(!pr.path("head").path("repo").path("full_name").asText()
                        .equals(pr.path("base").path("repo").path("full_name").asText()));
                assertThat(c.cloneUrl()).isEqualTo(root.path("repository").path("clone_url").asText());
                assertThat(c.draft()).isEqualTo(pr.path("draft").asBoolean());
            });
        } else if (event.equals("pull_request") && action.equals("closed")) {
            assertThat(mapped).isInstanceOfSatisfying(ForgeEvent.ChangeClosed.class, c -> {
                assertThat(c.change().number()).isEqualTo(root.path("pull_request").path("number").asLong());
                assertThat(c.merged()).isEqualTo(root.path("pull_request").path("merged").asBoolean());
                assertThat(c.by().login()).isEqualTo(root.path("sender").path("login").asText());
            });
        } else if (event.equals("push") && root.path("ref").asText().startsWith("refs/heads/")) {
            assertThat(mapped).isInstanceOfSatisfying(ForgeEvent.BranchPushed.class, p -> {
                assertThat(p.ref()).isEqualTo(root.path("ref").asText());
                assertThat(p.before()).isEqualTo(root.path("before").asText());
                assertThat(p.after()).isEqualTo(root.path("after").asText());
                assertThat(p.deleted()).isEqualTo(root.path("deleted").asBoolean());
                assertThat(p.pusher().login()).isEqualTo(root.path("sender").path("login").asText());
                assertThat(p.cloneUrl()).isEqualTo(root.path("repository").path("clone_url").asText());
            });
        } else if (event.equals("issue_comment") && action.equals("created")
                && root.path("issue").has("pull_request")
                && root.path("comment").path("body").asText().contains("/labgate")) {
            assertThat(mapped).isInstanceOf(ForgeEvent.CommandIssued.class);
        } else {
            assertThat(mapped).isInstanceOfSatisfying(ForgeEvent.Ignored.class,
                    i -> assertThat(i.reason()).isNotBlank());
        }
    }

    // ---- GitLab

    @TestFactory
    List<DynamicTest> every_gitlab_payload_maps_to_the_event_its_json_describes() {
        var dir = corpus("gitlab-webhooks");
        var tests = new ArrayList<DynamicTest>();
        for (var file : json(dir)) {
            var root = read(file);
            var event = gitlabEvent(file, root);
            tests.add(DynamicTest.dynamicTest(dir.relativize(file) + " (" + event + ")", () -> {
                var mapped = GITLAB.parse(delivery("gitlab", event, Files.readAllBytes(file)));
                expectGitLab(event, root, mapped);
                for (var other : GITLAB_EVENTS) {
                    assertThatCode(() -> GITLAB.parse(delivery("gitlab", other, Files.readAllBytes(file))))
                            .as("%s read as %s", file.getFileName(), other).doesNotThrowAnyException();
                }
            }));
        }
        assertThat(tests).as("payloads in %s", dir).isNotEmpty();
        return tests;
    }

    @TestFactory
    List<DynamicTest> a_command_written_in_any_gitlab_merge_request_note_is_issued_by_its_writer() {
        var dir = corpus("gitlab-webhooks");
        var tests = new ArrayList<DynamicTest>();
        for (var file : json(dir)) {
            var root = (ObjectNode) read(file);
            if (!"note".equals(root.path("object_kind").asText())
                    || !"MergeRequest".equals(root.path("object_attributes").path("noteable_type").asText())) {
                continue;
            }
            tests.add(DynamicTest.dynamicTest(dir.relativize(file).toString(), () -> {
                root.withObject("/object_attributes").put("note", "/labgate cancel");
                var mapped = GITLAB.parse(delivery("gitlab", "Note Hook", bytes(root)));
                assertThat(mapped).isInstanceOfSatisfying(ForgeEvent.CommandIssued.class, c -> {
                    assertThat(c.command()).isEqualTo(Command.CANCEL);
                    assertThat(c.by().login()).isEqualTo(root.path("user").path("username").asText());
                    assertThat(c.change().number()).isEqualTo(root.path("merge_request").path("iid").asLong());
                    assertThat(c.change().repo().fullName())
                            .isEqualTo(root.path("project").path("path_with_namespace").asText());
                    assertThat(c.commentId()).isEqualTo(root.path("object_attributes").path("id").asText());
                });
            }));
        }
        assertThat(tests).as("merge request notes in %s", dir).isNotEmpty();
        return tests;
    }

    /** The X-Gitlab-Event GitLab sends with a payload of this kind. */
    private static String gitlabEvent(Path file, JsonNode root) {
        if (file.getFileName().toString().contains("system-hook")) {
            return "System Hook";
        }
        var kind = root.path("object_kind").asText(root.path("event_name").asText(""));
        return switch (kind) {
            case "merge_request" -> "Merge Request Hook";
            case "push" -> "Push Hook";
            case "tag_push" -> "Tag Push Hook";
            case "note" -> "Note Hook";
            case "pipeline" -> "Pipeline Hook";
            case "build", "job" -> "Job Hook";
            case "issue" -> "Issue Hook";
            default -> "Unknown Hook";
        };
    }

    private static void expectGitLab(String event, JsonNode root, ForgeEvent mapped) {
        var attributes = root.path("object_attributes");
        var action = attributes.path("action").asText("");
        var project = root.path("project");
        if (event.equals("Merge Request Hook") && (action.equals("open") || action.equals("reopen")
                || action.equals("update") && attributes.hasNonNull("oldrev"))) {
            assertThat(mapped).isInstanceOfSatisfying(ForgeEvent.ChangeUpdated.class, c -> {
                assertThat(c.change().number()).isEqualTo(attributes.path("iid").asLong());
                assertThat(c.change().repo().fullName()).isEqualTo(project.path("path_with_namespace").asText());
                assertThat(c.headSha()).isEqualTo(attributes.path("last_commit").path("id").asText());
                assertThat(c.baseRef()).isEqualTo(attributes.path("target_branch").asText());
                var user = root.path("user");
                var author = user.path("id").asLong(-1) == attributes.path("author_id").asLong()
                        ? user.path("username").asText() : "user-" + attributes.path("author_id").asLong();
                assertThat(c.author().login()).isEqualTo(author);
                assertThat(c.fromFork()).isEqualTo(attributes.path("source_project_id").asLong()
                        != attributes.path("target_project_id").asLong());
                if (project.has("git_http_url")) {
                    assertThat(c.cloneUrl()).isEqualTo(project.path("git_http_url").asText());
                }
            });
        } else if (event.equals("Merge Request Hook") && (action.equals("close") || action.equals("merge"))) {
            assertThat(mapped).isInstanceOfSatisfying(ForgeEvent.ChangeClosed.class,
                    c -> assertThat(c.merged()).isEqualTo(action.equals("merge")));
        } else if (event.equals("Push Hook") && root.path("ref").asText().startsWith("refs/heads/")) {
            assertThat(mapped).isInstanceOfSatisfying(ForgeEvent.BranchPushed.class, p -> {
                assertThat(p.repo().fullName()).isEqualTo(project.path("path_with_namespace").asText());
                assertThat(p.ref()).isEqualTo(root.path("ref").asText());
                assertThat(p.before()).isEqualTo(root.path("before").asText());
                assertThat(p.after()).isEqualTo(root.path("after").asText());
                assertThat(p.pusher().login()).isEqualTo(root.path("user_username").asText());
                assertThat(p.deleted()).isEqualTo(ZEROS.equals(root.path("after").asText()));
                if (project.has("git_http_url")) {
                    assertThat(p.cloneUrl()).isEqualTo(project.path("git_http_url").asText());
                }
            });
        } else if (event.equals("Note Hook")
                && attributes.path("note").asText().lines().anyMatch(l -> l.startsWith("/labgate"))) {
            assertThat(mapped).isInstanceOf(ForgeEvent.CommandIssued.class);
        } else {
            assertThat(mapped).isInstanceOfSatisfying(ForgeEvent.Ignored.class,
                    i -> assertThat(i.reason()).isNotBlank());
        }
    }
}
