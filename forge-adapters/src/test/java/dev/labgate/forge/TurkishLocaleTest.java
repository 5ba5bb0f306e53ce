package dev.labgate.forge;

import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.event.Subject;
import dev.labgate.core.forge.CommitStatus;
import dev.labgate.forge.github.GitHubForge;
import dev.labgate.forge.github.GitHubSettings;
import dev.labgate.forge.gitlab.GitLabForge;
import dev.labgate.forge.gitlab.GitLabSettings;
import dev.labgate.testkit.FakeGitHub;
import dev.labgate.testkit.FakeGitLab;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Under a Turkish default locale, "PENDING".toLowerCase() is "pendıng" (dotless ı): every word a
 * forge receives must still be the forge's word. Each fake refuses a state its server has no word for.
 * (gitlab4j lower-cases its enums once, when they are first loaded, with the default locale then:
 * labgate no longer sends gitlab4j's words, and this test run alone shows what it sent before.)
 */
class TurkishLocaleTest {

    private static final String HEAD = "1111111111111111111111111111111111111111";

    private Locale before;

    @BeforeEach
    void turkish() {
        before = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("tr-TR"));
    }

    @AfterEach
    void restore() {
        Locale.setDefault(before);
    }

    @Test
    void github_gets_its_own_words_for_every_status_state() throws Exception {
        try (var github = new FakeGitHub("labgate-bot").acceptToken("gh-token")) {
            github.openChange("acme/linux", 7, "alice", HEAD, "2".repeat(40), false, List.of("a.c"), List.of(HEAD));
            var forge = new GitHubForge(GitHubSettings.withToken("github", github.url(),
                    URI.create("https://github.example"), List.of("secret"), "gh-token", null), Clock.systemUTC());
            var subject = new Subject.Change(new ChangeRef(new RepoRef("github", "acme/linux"), 7));
            for (var state : CommitStatus.State.values()) {
                forge.setStatus(subject, HEAD, new CommitStatus("labgate/lab", state, "Running", null));
            }
            assertThat(github.statuses("acme/linux", HEAD)).extracting(FakeGitHub.Status::state)
                    .containsExactly("pending", "success", "failure", "error");
        }
    }

    @Test
    void gitlab_gets_its_own_words_for_every_status_state() throws Exception {
        try (var gitlab = new FakeGitLab("glpat-token", "labgate-bot")) {
            gitlab.openChange("acme/linux", 7, "alice", HEAD, "2".repeat(40), false, List.of("a.c"), List.of(HEAD));
            var forge = new GitLabForge(new GitLabSettings("gitlab", gitlab.url(), gitlab.url(), List.of("secret"),
                    "glpat-token", null), Clock.systemUTC());
            var subject = new Subject.Change(new ChangeRef(new RepoRef("gitlab", "acme/linux"), 7));
            forge.setStatus(subject, HEAD, new CommitStatus("labgate/lab", CommitStatus.State.PENDING, "Running", null));
            forge.setStatus(subject, HEAD, new CommitStatus("labgate/lab", CommitStatus.State.FAILURE, "Failed", null));
            assertThat(gitlab.statuses("acme/linux", HEAD)).extracting(FakeGitLab.Status::state)
                    .containsExactly("pending", "failed");
        }
    }
}
