package dev.labgate.forge.git;

import dev.labgate.core.trust.ChangeCommits;
import dev.labgate.core.trust.CommitCheck;
import dev.labgate.core.trust.CommitRange;
import dev.labgate.core.trust.SignatureVerdict;
import dev.labgate.core.trust.SignerKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GitChangeCommitsTest {

    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path tmp;

    @Test
    void the_commits_of_a_change_are_fetched_from_the_forge_and_checked_oldest_first() throws Exception {
        var key = OpenPgpTestKey.create("Mai <mai@example.org>", T.minusSeconds(3600), null);
        var keyring = Files.writeString(tmp.resolve("k.asc"), key.armoredPublicKey());
        try (var forge = new GitFixture(tmp.resolve("forge/acme/linux.git"))) {
            var base = forge.commit("refs/heads/master", null, "base", Map.of("a", "1\n"), T, null);
            var first = forge.commit("refs/pull/7/head", base, "one", Map.of("a", "2\n"), T,
                    payload -> key.sign(payload, T));
            var second = forge.commit("refs/pull/7/head", first, "two", Map.of("a", "3\n"), T, null);
            // The target branch moved on after the change was opened.
            forge.commit("refs/heads/master", base, "elsewhere", Map.of("a", "1\n", "b", "x\n"), T, null);

            var commits = new GitChangeCommits(tmp.resolve("mirrors"), tmp.resolve("scratch"), Clock.systemUTC());
            var range = new CommitRange(forge.directory.toUri().toString(), "refs/pull/7/head", second,
                    "refs/heads/master", base);
            var checks = commits.inspect(range, new SignerKeys(Optional.of(keyring), Optional.empty(), List.of()));

            assertThat(checks).extracting(CommitCheck::commit).containsExactly(first, second);
            assertThat(checks).extracting(CommitCheck::verdict)
                    .containsExactly(SignatureVerdict.TRUSTED, SignatureVerdict.UNSIGNED);
            assertThat(checks.get(0).signer()).isEqualTo("Mai <mai@example.org>");
            assertThat(checks).allSatisfy(c -> assertThat(c.patchId()).matches("[0-9a-f]{40}"));
            assertThat(checks.get(0).patchId()).isNotEqualTo(checks.get(1).patchId());

            // A second look at a newer head fetches again into the same mirror.
            var third = forge.commit("refs/pull/7/head", second, "three", Map.of("a", "4\n"), T, null);
            var again = commits.inspect(new CommitRange(range.cloneUrl(), range.headRef(), third, range.baseRef(), base),
                    SignerKeys.NONE);
            assertThat(again).extracting(CommitCheck::commit).containsExactly(first, second, third);
            assertThat(again.get(0).verdict()).isEqualTo(SignatureVerdict.UNTRUSTED_KEY);
        }
    }

    @Test
    void a_head_the_ref_no_longer_holds_is_reported_as_unavailable() {
        try (var forge = new GitFixture(tmp.resolve("forge/acme/linux.git"))) {
            var base = forge.commit("refs/heads/master", null, "base", Map.of("a", "1\n"), T, null);
            forge.commit("refs/pull/7/head", base, "one", Map.of("a", "2\n"), T, null);
            var commits = new GitChangeCommits(tmp.resolve("mirrors"), tmp.resolve("scratch"), Clock.systemUTC());
            var gone = "d".repeat(40);
            assertThatThrownBy(() -> commits.inspect(new CommitRange(forge.directory.toUri().toString(),
                    "refs/pull/7/head", gone, "refs/heads/master", base), SignerKeys.NONE))
                    .isInstanceOf(ChangeCommits.Unavailable.class)
                    .hasMessageContaining("does not contain " + gone);
        }
    }

    @Test
    void a_git_server_that_cannot_be_reached_is_named_as_the_cause_and_retried() throws Exception {
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort(); // closed again: nothing listens there
        }
        var commits = new GitChangeCommits(tmp.resolve("mirrors"), tmp.resolve("scratch"), Clock.systemUTC());
        var url = "http://127.0.0.1:" + port + "/acme/linux.git";
        assertThatThrownBy(() -> commits.inspect(new CommitRange(url, "refs/pull/7/head", "a".repeat(40),
                "refs/heads/master", "b".repeat(40)), SignerKeys.NONE))
                .isInstanceOfSatisfying(ChangeCommits.Unavailable.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageStartingWith("git: cannot fetch refs/pull/7/head from " + url
                        + " (the git server cannot be reached or refused the fetch)");
    }

    @Test
    void a_head_that_is_no_commit_id_is_refused_for_good() {
        var commits = new GitChangeCommits(tmp.resolve("mirrors"), tmp.resolve("scratch"), Clock.systemUTC());
        assertThatThrownBy(() -> commits.inspect(new CommitRange("http://127.0.0.1:9/x.git", "refs/pull/7/head",
                "not-a-sha", "refs/heads/master", ""), SignerKeys.NONE))
                .isInstanceOfSatisfying(ChangeCommits.Unavailable.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessage("the head 'not-a-sha' is not a 40-digit commit id");
    }
}
