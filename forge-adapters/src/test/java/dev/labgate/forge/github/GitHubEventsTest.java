package dev.labgate.forge.github;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.Command;
import dev.labgate.core.event.ForgeEvent;
import dev.labgate.core.event.ForgeEvent.ChangeAction;
import dev.labgate.core.event.Person;
import dev.labgate.core.event.RepoRef;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;

import static dev.labgate.forge.Fixtures.bytes;
import static dev.labgate.forge.Fixtures.corpus;
import static dev.labgate.forge.Fixtures.delivery;
import static dev.labgate.forge.Fixtures.edited;
import static dev.labgate.forge.Fixtures.json;
import static dev.labgate.forge.Fixtures.variants;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class GitHubEventsTest {

    private static final RepoRef REPO = new RepoRef("github", "kernel-org/linux-next");
    private final GitHubEvents events = new GitHubEvents(GitHubSettings.withToken("github",
            URI.create("https://api.github.com"), URI.create("https://github.com"), List.of("s"), "t", "labgate-bot"));

    private ForgeEvent parse(String event, byte[] body) {
        return events.parse(delivery("github", event, body));
    }

    @Test
    void an_opened_fork_pull_request_is_a_change_to_test_judged_on_its_author() {
        var event = parse("pull_request", bytes("github/pull_request.opened.json"));
        assertThat(event).isEqualTo(new ForgeEvent.ChangeUpdated(new ChangeRef(REPO, 41), ChangeAction.OPENED,
                "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678", "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c", "master",
                new Person("contributor-7"), true, "https://github.com/kernel-org/linux-next.git",
                "refs/pull/41/head", "mm: fix a leak in the slab allocator",
                "https://github.com/kernel-org/linux-next/pull/41", false,
                "https://github.com/contributor-7/linux-next.git"));
    }

    @Test
    void the_clone_url_comes_from_configuration_never_from_the_payload() {
        var event = (ForgeEvent.ChangeUpdated) parse("pull_request", bytes("github/pull_request.opened.json"));
        assertThat(event.cloneUrl()).doesNotContain("evil.example");
    }

    @ParameterizedTest(name = "pull_request {0}")
    @ValueSource(strings = {"synchronize", "reopened", "ready_for_review", "converted_to_draft"})
    void actions_that_move_or_reopen_a_change_lead_to_a_change_update(String action) {
        var event = parse("pull_request", edited("github/pull_request.opened.json", root -> root.put("action", action)));
        assertThat(event).isInstanceOfSatisfying(ForgeEvent.ChangeUpdated.class, e -> assertThat(e.action().name())
                .isEqualTo(switch (action) {
                    case "synchronize" -> "PUSHED";
                    case "reopened" -> "REOPENED";
                    case "ready_for_review" -> "READY_FOR_REVIEW";
                    default -> "CONVERTED_TO_DRAFT";
                }));
    }

    @Test
    void an_edit_that_changes_the_base_branch_is_a_base_change() {
        var event = parse("pull_request", bytes("github/pull_request.edited.json"));
        assertThat(event).isInstanceOfSatisfying(ForgeEvent.ChangeUpdated.class, e -> {
            assertThat(e.action()).isEqualTo(ChangeAction.BASE_CHANGED);
            assertThat(e.baseRef()).isEqualTo("master");
            assertThat(e.fromFork()).isFalse();
            assertThat(e.draft()).isTrue();
        });
    }

    @Test
    void an_edit_of_the_title_only_is_ignored() {
        var event = parse("pull_request", edited("github/pull_request.edited.json", root -> root.remove("changes")));
        assertThat(event).isInstanceOfSatisfying(ForgeEvent.Ignored.class,
                e -> assertThat(e.reason()).contains("without a change of base"));
    }

    @Test
    void a_merged_pull_request_is_a_closed_change() {
        var event = parse("pull_request", bytes("github/pull_request.closed.json"));
        assertThat(event).isEqualTo(new ForgeEvent.ChangeClosed(new ChangeRef(REPO, 12), true,
                new Person("maintainer-1")));
    }

    @Test
    void a_deleted_branch_is_a_push_marked_deleted() {
        var event = parse("push", bytes("github/push.deleted.json"));
        assertThat(event).isEqualTo(new ForgeEvent.BranchPushed(REPO, "refs/heads/staging",
                "6666666666666666666666666666666666666666", "0000000000000000000000000000000000000000",
                new Person("maintainer-1"), "https://github.com/kernel-org/linux-next.git", true));
    }

    @Test
    void a_tag_push_is_ignored() {
        var event = parse("push", edited("github/push.deleted.json", root -> root.put("ref", "refs/tags/v6.9")));
        assertThat(event).isInstanceOfSatisfying(ForgeEvent.Ignored.class,
                e -> assertThat(e.reason()).contains("not a branch push"));
    }

    @Test
    void a_command_in_a_new_pull_request_comment_is_issued_by_its_writer() {
        var event = parse("issue_comment", bytes("github/issue_comment.created.json"));
        assertThat(event).isEqualTo(new ForgeEvent.CommandIssued(new ChangeRef(REPO, 41), new Person("maintainer-1"),
                Command.RETEST, "77001"));
    }

    @ParameterizedTest(name = "issue_comment {0} never triggers")
    @ValueSource(strings = {"edited", "deleted"})
    void edited_and_deleted_comments_never_trigger(String action) {
        var event = parse("issue_comment", edited("github/issue_comment.created.json",
                root -> root.put("action", action)));
        assertThat(event).isInstanceOf(ForgeEvent.Ignored.class);
    }

    @Test
    void a_comment_on_an_issue_is_ignored() {
        var event = parse("issue_comment", edited("github/issue_comment.created.json",
                root -> root.withObject("/issue").remove("pull_request")));
        assertThat(event).isInstanceOfSatisfying(ForgeEvent.Ignored.class,
                e -> assertThat(e.reason()).contains("not on a pull request"));
    }

    @Test
    void labgates_own_comments_are_ignored_even_when_they_show_a_command() {
        var byBot = parse("issue_comment", edited("github/issue_comment.created.json",
                root -> root.withObject("/comment").withObject("/user").put("login", "labgate-bot")));
        var withMarker = parse("issue_comment", edited("github/issue_comment.created.json",
                root -> root.withObject("/comment").put("body", "<!-- labgate:reply 1 -->\n/labgate retest")));
        assertThat(List.of(byBot, withMarker)).allSatisfy(e -> assertThat(e)
                .isInstanceOfSatisfying(ForgeEvent.Ignored.class, i -> assertThat(i.reason()).contains("labgate itself")));
    }

    @Test
    void a_quoted_command_is_not_issued() {
        var event = parse("issue_comment", edited("github/issue_comment.created.json",
                root -> root.withObject("/comment").put("body", "> /labgate ok-to-test\n\nNot yet.")));
        assertThat(event).isInstanceOfSatisfying(ForgeEvent.Ignored.class,
                e -> assertThat(e.reason()).contains("no /labgate command"));
    }

    @Test
    void ping_and_installation_events_are_ignored_with_what_they_say() {
        assertThat(parse("ping", "{\"zen\":\"Keep it logically awesome.\",\"hook_id\":42}".getBytes()))
                .isEqualTo(new ForgeEvent.Ignored("ping: GitHub checked that the webhook 42 reaches labgate"));
        assertThat(parse("installation", "{\"action\":\"created\",\"installation\":{\"id\":1,\"account\":{\"login\":\"acme\"}}}"
                .getBytes())).isInstanceOfSatisfying(ForgeEvent.Ignored.class,
                e -> assertThat(e.reason()).contains("acme").contains("created"));
        assertThat(parse("installation_repositories", ("{\"action\":\"added\",\"installation\":{\"id\":1},"
                + "\"repositories_added\":[{\"full_name\":\"acme/linux\"}],\"repositories_removed\":[]}").getBytes()))
                .isInstanceOfSatisfying(ForgeEvent.Ignored.class, e -> assertThat(e.reason()).contains("acme/linux"));
    }

    @Test
    void broken_payloads_become_ignored_events_with_the_reason() {
        assertThat(parse("pull_request", "not json".getBytes())).isEqualTo(new ForgeEvent.Ignored("the body is not JSON"));
        assertThat(parse("pull_request", "[1,2]".getBytes()))
                .isEqualTo(new ForgeEvent.Ignored("the body is not a JSON object"));
        assertThat(parse("pull_request", edited("github/pull_request.opened.json",
                root -> root.withObject("/pull_request").remove("head"))))
                .isEqualTo(new ForgeEvent.Ignored("malformed pull_request payload: missing head"));
        assertThat(parse("pull_request", edited("github/pull_request.opened.json",
                root -> root.withObject("/pull_request").withObject("/head").put("sha", "HEAD"))))
                .isEqualTo(new ForgeEvent.Ignored("malformed pull_request payload: missing sha (not a commit id)"));
        assertThat(parse("pull_request", edited("github/pull_request.opened.json",
                root -> root.withObject("/pull_request").put("number", "forty-one"))))
                .isEqualTo(new ForgeEvent.Ignored("malformed pull_request payload: missing number (not a number)"));
    }

    // Processing reads only the fields the mapper names; it must map every payload as the whole tree would.

    private static final List<String> EVENTS = List.of("pull_request", "push", "issue_comment", "ping", "installation", "installation_repositories");
    private static final ObjectMapper JSON = new ObjectMapper();

    private void expectSameEventAsFromTheWholeTree(byte[] body) throws IOException {
        for (var event : EVENTS) {
            assertThat(parse(event, body)).as("read as %s", event).isEqualTo(events.event(event, JSON.readTree(body)));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"pull_request.opened", "pull_request.closed", "pull_request.edited", "push.deleted", "issue_comment.created"})
    void a_payload_with_any_field_changed_maps_as_its_whole_tree_would(String fixture) throws IOException {
        for (var variant : variants(bytes("github/" + fixture + ".json")).entrySet()) {
            assertThatCode(() -> expectSameEventAsFromTheWholeTree(variant.getValue())).as(variant.getKey())
                    .doesNotThrowAnyException();
        }
    }

    @TestFactory
    Stream<DynamicTest> every_corpus_payload_maps_as_its_whole_tree_would() {
        var dir = corpus("github-webhooks/payload-examples");
        return json(dir).stream().map(file -> DynamicTest.dynamicTest(dir.relativize(file).toString(),
                () -> expectSameEventAsFromTheWholeTree(Files.readAllBytes(file))));
    }
}
