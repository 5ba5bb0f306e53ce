package dev.labgate.forge.gitlab;

import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.Person;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.event.Subject;
import dev.labgate.core.forge.CommitStatus;
import dev.labgate.core.forge.SigningKey;
import dev.labgate.testkit.FakeGitLab;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What only GitLab asks of labgate: a ref for every status, and SSH keys marked for signing. */
class GitLabForgeTest {

    private static final String PROJECT = "acme/linux";
    private static final RepoRef REPO = new RepoRef("gitlab", PROJECT);
    private static final String HEAD = "1111111111111111111111111111111111111111";
    private static final String BASE = "2222222222222222222222222222222222222222";
    private static final String OTHER = "3333333333333333333333333333333333333333";

    private FakeGitLab gitlab;
    private GitLabForge forge;

    @BeforeEach
    void start() throws IOException {
        gitlab = new FakeGitLab("glpat-token", "labgate-bot");
        forge = new GitLabForge(new GitLabSettings("gitlab", gitlab.url(), gitlab.url(), List.of("secret"),
                "glpat-token", null), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        gitlab.close();
    }

    @Test
    void gitlab_refuses_a_status_without_a_ref_for_a_commit_no_branch_of_the_project_holds() {
        gitlab.openChange(PROJECT, 7, "alice", HEAD, BASE, true, List.of("a.c"), List.of(HEAD));
        // What labgate sent before it named the ref: GitLab looks for a branch of its own, and the fork's commit is on none.
        var answer = java.net.http.HttpClient.newHttpClient().sendAsync(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(gitlab.url() + "/api/v4/projects/acme%2Flinux/statuses/" + HEAD))
                .header("PRIVATE-TOKEN", "glpat-token").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("state=pending&name=labgate%2Flab")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).join();
        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(answer.body()).contains("404 References for commit Not Found");
    }

    @Test
    void a_status_of_a_merge_request_from_a_fork_is_filed_under_its_head_ref_in_the_target_project() {
        gitlab.openChange(PROJECT, 7, "alice", HEAD, BASE, true, List.of("a.c"), List.of(HEAD));
        var change = new Subject.Change(new ChangeRef(REPO, 7));
        forge.setStatus(change, HEAD, new CommitStatus("labgate/lab", CommitStatus.State.PENDING, "Running", null));
        forge.setStatus(change, HEAD, new CommitStatus("labgate/lab", CommitStatus.State.SUCCESS, "Passed", null));
        assertThat(gitlab.statuses(PROJECT, HEAD)).extracting(FakeGitLab.Status::state, FakeGitLab.Status::ref)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("pending", "refs/merge-requests/7/head"),
                        org.assertj.core.groups.Tuple.tuple("success", "refs/merge-requests/7/head"));
        assertThat(gitlab.pipelineRefs(PROJECT, HEAD)).containsExactly("refs/merge-requests/7/head");
    }

    @Test
    void a_status_of_a_merge_request_from_the_project_is_filed_under_its_source_branch() {
        gitlab.openChange(PROJECT, 8, "bob", OTHER, BASE, false, List.of("a.c"), List.of(OTHER));
        forge.setStatus(new Subject.Change(new ChangeRef(REPO, 8)), OTHER, new CommitStatus("labgate/lab",
                CommitStatus.State.FAILURE, "Failed", null));
        assertThat(gitlab.statuses(PROJECT, OTHER)).singleElement()
                .satisfies(s -> assertThat(s.ref()).isEqualTo(gitlab.mergeRequest(PROJECT, 8).orElseThrow().sourceBranch()));
    }

    @Test
    void the_merge_request_is_read_once_for_all_its_statuses() {
        gitlab.openChange(PROJECT, 7, "alice", HEAD, BASE, true, List.of("a.c"), List.of(HEAD));
        var change = new Subject.Change(new ChangeRef(REPO, 7));
        forge.setStatus(change, HEAD, new CommitStatus("labgate/a", CommitStatus.State.PENDING, "Running", null));
        forge.setStatus(change, HEAD, new CommitStatus("labgate/b", CommitStatus.State.PENDING, "Running", null));
        assertThat(gitlab.requests()).filteredOn(r -> r.method().equals("GET") && r.path().contains("merge_requests"))
                .hasSize(1);
    }

    @Test
    void a_status_of_a_staging_push_is_filed_under_the_branch() {
        gitlab.push(PROJECT, "staging", BASE, OTHER, "maint");
        forge.setStatus(new Subject.Branch(REPO, "refs/heads/staging"), OTHER, new CommitStatus("labgate/lab",
                CommitStatus.State.PENDING, "Running", null));
        assertThat(gitlab.statuses(PROJECT, OTHER)).singleElement().satisfies(s -> assertThat(s.ref()).isEqualTo("staging"));
    }

    @Test
    void a_link_longer_than_gitlab_takes_is_left_out_rather_than_refused() {
        gitlab.openChange(PROJECT, 7, "alice", HEAD, BASE, true, List.of("a.c"), List.of(HEAD));
        forge.setStatus(new Subject.Change(new ChangeRef(REPO, 7)), HEAD, new CommitStatus("labgate/lab",
                CommitStatus.State.PENDING, "Running", "https://labgate.example/" + "r".repeat(300)));
        assertThat(gitlab.statuses(PROJECT, HEAD)).singleElement().satisfies(s -> assertThat(s.targetUrl()).isNull());
    }

    @Test
    void ssh_keys_marked_for_signing_are_signing_keys_and_keys_only_for_logging_in_are_not() {
        var signing = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOWrQzq0c7dxqfSkh3nUHoHqfmrXxcsb7hIq8xOQUcEo signing";
        var both = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq0c7dxqfSkh3nUHoHqfmrXxcsb7hIq8xOQUcEoOWrQ both";
        var loginOnly = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBfSkh3nUHoHqfmrXxcsb7hIq8xOQUcEoOWrQzq0c7dx login";
        gitlab.sshKey("alice", signing, "signing").sshKey("alice", both, "auth_and_signing")
                .sshKey("alice", loginOnly, "auth");
        assertThat(forge.signingKeys(new Person("alice"))).extracting(SigningKey::kind, SigningKey::publicKey)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(SigningKey.Kind.SSH, signing),
                        org.assertj.core.groups.Tuple.tuple(SigningKey.Kind.SSH, both));
    }
}
