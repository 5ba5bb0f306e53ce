package dev.labgate.forge.gitlab;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.Command;
import dev.labgate.core.event.ForgeEvent;
import dev.labgate.core.event.ForgeEvent.ChangeAction;
import dev.labgate.core.event.Person;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.forge.ForgeException;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.labgate.forge.Fixtures.bytes;
import static dev.labgate.forge.Fixtures.corpus;
import static dev.labgate.forge.Fixtures.delivery;
import static dev.labgate.forge.Fixtures.edited;
import static dev.labgate.forge.Fixtures.json;
import static dev.labgate.forge.Fixtures.variants;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GitLabEventsTest {

    private static final RepoRef REPO = new RepoRef("gitlab", "kernel/drivers/linux");
    private static final GitLabSettings SETTINGS = new GitLabSettings("gitlab",
            URI.create("https://gitlab.example.org"), URI.create("https://gitlab.example.org"), List.of("t"), "x",
            "labgate-bot");

    private final List<Long> lookedUp = new ArrayList<>();
    private final GitLabEvents events = new GitLabEvents(SETTINGS, id -> {
        lookedUp.add(id);
        return Map.of(501L, "dana").getOrDefault(id, "user-" + id);
    });

    private ForgeEvent parse(String event, byte[] body) {
        return events.parse(delivery("gitlab", event, body));
    }

    @Test
    void an_opened_merge_request_from_a_fork_is_a_change_to_test() {
        var event = parse("Merge Request Hook", bytes("gitlab/merge_request.open.json"));
        assertThat(event).isEqualTo(new ForgeEvent.ChangeUpdated(new ChangeRef(REPO, 17), ChangeAction.OPENED,
                "b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f80", null, "for-next", new Person("dana"), true,
                "https://gitlab.example.org/kernel/drivers/linux.git", "refs/merge-requests/17/head",
                "usb: xhci: do not leak the ring on resume",
                "https://gitlab.example.org/kernel/drivers/linux/-/merge_requests/17", false,
                "https://gitlab.example.org/dana/linux.git"));
        assertThat(lookedUp).as("the payload named the author: no lookup").isEmpty();
    }

    @Test
    void a_push_to_a_merge_request_by_someone_else_is_judged_on_the_author_asked_of_the_api() {
        var event = parse("Merge Request Hook", bytes("gitlab/merge_request.update.json"));
        assertThat(event).isInstanceOfSatisfying(ForgeEvent.ChangeUpdated.class, e -> {
            assertThat(e.action()).isEqualTo(ChangeAction.PUSHED);
            assertThat(e.headSha()).isEqualTo("c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00");
            assertThat(e.author()).isEqualTo(new Person("dana"));
            assertThat(e.fromFork()).isFalse();
        });
        assertThat(lookedUp).containsExactly(501L);
    }

    @ParameterizedTest(name = "update changing {0} → {1}")
    @CsvSource({"draft,READY_FOR_REVIEW,false", "draft,CONVERTED_TO_DRAFT,true", "target_branch,BASE_CHANGED,x"})
    void updates_without_new_commits_count_when_they_change_what_is_tested(String field, ChangeAction action,
                                                                          String current) {
        var event = parse("Merge Request Hook", edited("gitlab/merge_request.update.json", root -> {
            root.withObject("/object_attributes").remove("oldrev");
            var change = root.withObject("/changes").putObject(field);
            if (field.equals("draft")) {
                change.put("previous", !Boolean.parseBoolean(current)).put("current", Boolean.parseBoolean(current));
            } else {
                change.put("previous", "master").put("current", "for-next");
            }
        }));
        assertThat(event).isInstanceOfSatisfying(ForgeEvent.ChangeUpdated.class,
                e -> assertThat(e.action()).isEqualTo(action));
    }

    @Test
    void an_update_of_labels_or_description_is_ignored() {
        var event = parse("Merge Request Hook", edited("gitlab/merge_request.update.json",
                root -> root.withObject("/object_attributes").remove("oldrev")));
        assertThat(event).isInstanceOfSatisfying(ForgeEvent.Ignored.class,
                e -> assertThat(e.reason()).contains("without new commits"));
    }

    @ParameterizedTest(name = "merge request {0}")
    @CsvSource({"close,false", "merge,true"})
    void closing_or_merging_closes_the_change(String action, boolean merged) {
        var event = parse("Merge Request Hook", edited("gitlab/merge_request.update.json",
                root -> root.withObject("/object_attributes").put("action", action)));
        assertThat(event).isEqualTo(new ForgeEvent.ChangeClosed(new ChangeRef(REPO, 17), merged, new Person("max")));
    }

    @Test
    void approvals_are_not_acted_on() {
        var event = parse("Merge Request Hook", edited("gitlab/merge_request.update.json",
                root -> root.withObject("/object_attributes").put("action", "approved")));
        assertThat(event).isEqualTo(new ForgeEvent.Ignored("merge request 'approved' is not acted on"));
    }

    @Test
    void a_command_in_a_note_on_a_merge_request_is_issued_by_its_writer() {
        var event = parse("Note Hook", bytes("gitlab/note.create.json"));
        assertThat(event).isEqualTo(new ForgeEvent.CommandIssued(new ChangeRef(REPO, 17), new Person("max"),
                Command.OK_TO_TEST, "88001"));
    }

    @Test
    void an_edited_note_never_triggers() {
        var event = parse("Note Hook", edited("gitlab/note.create.json",
                root -> root.withObject("/object_attributes").put("action", "update")));
        assertThat(event).isEqualTo(new ForgeEvent.Ignored("note 'update': only new notes can ask for anything"));
    }

    @Test
    void notes_on_issues_and_commits_and_system_notes_are_ignored() {
        assertThat(parse("Note Hook", edited("gitlab/note.create.json",
                root -> root.withObject("/object_attributes").put("noteable_type", "Issue"))))
                .isEqualTo(new ForgeEvent.Ignored("a note on a Issue, not on a merge request"));
        assertThat(parse("Note Hook", edited("gitlab/note.create.json",
                root -> root.withObject("/object_attributes").put("system", true))))
                .isEqualTo(new ForgeEvent.Ignored("a system note"));
    }

    @Test
    void labgates_own_notes_are_ignored() {
        var event = parse("Note Hook", edited("gitlab/note.create.json",
                root -> root.withObject("/user").put("username", "labgate-bot")));
        assertThat(event).isEqualTo(new ForgeEvent.Ignored("a note written by labgate itself"));
    }

    @Test
    void a_branch_push_names_its_pusher() {
        var event = parse("Push Hook", bytes("gitlab/push.branch.json"));
        assertThat(event).isEqualTo(new ForgeEvent.BranchPushed(REPO, "refs/heads/staging",
                "1111111111111111111111111111111111111111", "2222222222222222222222222222222222222222",
                new Person("max"), "https://gitlab.example.org/kernel/drivers/linux.git", false));
    }

    @Test
    void tag_pushes_system_hooks_and_other_events_are_ignored_with_a_reason() {
        assertThat(parse("Tag Push Hook", "{}".getBytes())).isEqualTo(new ForgeEvent.Ignored("tag pushes are not tested"));
        assertThat(parse("System Hook", "{}".getBytes())).isInstanceOfSatisfying(ForgeEvent.Ignored.class,
                e -> assertThat(e.reason()).contains("project or group webhook"));
        assertThat(parse("Pipeline Hook", "{}".getBytes()))
                .isEqualTo(new ForgeEvent.Ignored("'Pipeline Hook' events are not acted on"));
    }

    @Test
    void a_failing_author_lookup_is_a_fault_for_the_task_to_retry_not_an_ignored_event() {
        var failing = new GitLabEvents(SETTINGS, id -> {
            throw new ForgeException("GitLab is down", true, null, null);
        });
        assertThatThrownBy(() -> failing.parse(delivery("gitlab", "Merge Request Hook",
                bytes("gitlab/merge_request.update.json")))).isInstanceOf(ForgeException.class);
    }

    @Test
    void broken_payloads_become_ignored_events() {
        assertThat(parse("Merge Request Hook", edited("gitlab/merge_request.open.json",
                root -> root.withObject("/object_attributes").remove("last_commit"))))
                .isEqualTo(new ForgeEvent.Ignored("malformed Merge Request Hook payload: missing last_commit"));
        assertThat(parse("Push Hook", "{\"ref\": 5}".getBytes()))
                .isEqualTo(new ForgeEvent.Ignored("malformed Push Hook payload: missing ref (not text)"));
    }

    // Processing reads only the fields the mapper names; it must map every payload as the whole tree would.

    private static final List<String> EVENTS = List.of("Merge Request Hook", "Push Hook", "Note Hook", "Tag Push Hook");
    private static final ObjectMapper JSON = new ObjectMapper();

    private void expectSameEventAsFromTheWholeTree(byte[] body) throws IOException {
        for (var event : EVENTS) {
            assertThat(parse(event, body)).as("read as %s", event).isEqualTo(events.event(event, JSON.readTree(body)));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"merge_request.open", "merge_request.update", "note.create", "push.branch"})
    void a_payload_with_any_field_changed_maps_as_its_whole_tree_would(String fixture) throws IOException {
        for (var variant : variants(bytes("gitlab/" + fixture + ".json")).entrySet()) {
            assertThatCode(() -> expectSameEventAsFromTheWholeTree(variant.getValue())).as(variant.getKey())
                    .doesNotThrowAnyException();
        }
    }

    @TestFactory
    Stream<DynamicTest> every_corpus_payload_maps_as_its_whole_tree_would() {
        var dir = corpus("gitlab-webhooks");
        return json(dir).stream().map(file -> DynamicTest.dynamicTest(dir.relativize(file).toString(),
                () -> expectSameEventAsFromTheWholeTree(Files.readAllBytes(file))));
    }
}
