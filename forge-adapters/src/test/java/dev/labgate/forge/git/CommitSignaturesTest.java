package dev.labgate.forge.git;

import dev.labgate.core.event.Person;
import dev.labgate.core.forge.SigningKey;
import dev.labgate.core.trust.SignatureVerdict;
import dev.labgate.core.trust.SignerKeys;
import dev.labgate.forge.gitlab.GitLabForge;
import dev.labgate.forge.gitlab.GitLabSettings;
import dev.labgate.testkit.FakeGitLab;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static dev.labgate.core.trust.SignatureVerdict.BAD_SIGNATURE;
import static dev.labgate.core.trust.SignatureVerdict.EXPIRED_KEY;
import static dev.labgate.core.trust.SignatureVerdict.REVOKED_KEY;
import static dev.labgate.core.trust.SignatureVerdict.TRUSTED;
import static dev.labgate.core.trust.SignatureVerdict.UNSIGNED;
import static dev.labgate.core.trust.SignatureVerdict.UNTRUSTED_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Signed commits made in a real repository with keys made in the test, checked by labgate and,
 * where git and gpg (or ssh-keygen) are installed, by {@code git verify-commit} as well.
 */
class CommitSignaturesTest {

    private static final Instant NOW = Instant.now();
    private static final Map<String, String> FILES = Map.of("drivers/net/x.c", "int x;\n");

    @TempDir
    static Path tmp;

    private static GitFixture git;
    private static Path keyring;
    private static Path allowedSigners;
    private static SshTestKey sshOutsider;
    private static final Map<String, String> COMMITS = new HashMap<>();

    @BeforeAll
    static void makeKeysAndCommits() throws IOException {
        git = new GitFixture(tmp.resolve("repo.git"));
        var maintainer = OpenPgpTestKey.create("Mai Ntainer <mai@example.org>", NOW.minus(Duration.ofDays(30)), null);
        var outsider = OpenPgpTestKey.create("Out Sider <out@example.org>", NOW.minus(Duration.ofDays(30)), null);
        var expired = OpenPgpTestKey.create("Ex Pired <ex@example.org>", NOW.minus(Duration.ofDays(3)),
                Duration.ofDays(1));
        var revoked = OpenPgpTestKey.create("Re Voked <rev@example.org>", NOW.minus(Duration.ofDays(3)), null)
                .revoke(NOW.minus(Duration.ofDays(1)));
        var withSubkey = OpenPgpTestKey.create("Sub Key <sub@example.org>", NOW.minus(Duration.ofDays(30)), null, true);
        keyring = tmp.resolve("maintainers.asc");
        Files.writeString(keyring, maintainer.armoredPublicKey() + expired.armoredPublicKey()
                + revoked.armoredPublicKey() + withSubkey.armoredPublicKey());

        var sshMaintainer = SshTestKey.create(tmp, "id_maintainer");
        sshOutsider = SshTestKey.create(tmp, "id_outsider");
        allowedSigners = tmp.resolve("allowed_signers");
        Files.writeString(allowedSigners, sshMaintainer.allowedSigner("mai@example.org"));

        var signedAt = NOW.minus(Duration.ofDays(3)).plus(Duration.ofHours(1));
        commit("unsigned", null, signedAt);
        commit("openpgp-maintainer", maintainer::sign, signedAt);
        commit("openpgp-outsider", outsider::sign, signedAt);
        commit("openpgp-expired", expired::sign, signedAt);
        commit("openpgp-revoked", revoked::sign, signedAt);
        commit("openpgp-subkey", withSubkey::sign, signedAt);
        commit("ssh-maintainer", (payload, at) -> sshMaintainer.sign(git.repository, payload, at), signedAt);
        commit("ssh-outsider", (payload, at) -> sshOutsider.sign(git.repository, payload, at), signedAt);
        COMMITS.put("openpgp-tampered", tamper("openpgp-maintainer"));
        COMMITS.put("ssh-tampered", tamper("ssh-maintainer"));
    }

    @AfterAll
    static void close() {
        git.close();
    }

    private interface Sign {
        byte[] sign(byte[] payload, Instant at);
    }

    private static void commit(String name, Sign sign, Instant at) {
        COMMITS.put(name, git.commit("refs/heads/" + name, null, "net: add x (" + name + ")\n", FILES, at,
                sign == null ? null : payload -> sign.sign(payload, at)));
    }

    /** The same commit with one word of its message changed and its signature kept. */
    private static String tamper(String name) {
        var raw = new String(git.raw(COMMITS.get(name)), StandardCharsets.UTF_8);
        return git.insertRaw("refs/heads/" + name + "-tampered", raw.replace("net: add x", "net: add y")
                .getBytes(StandardCharsets.UTF_8));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("an unsigned commit is unsigned", "unsigned", UNSIGNED, ""),
                arguments("a commit signed by a maintainer's OpenPGP key is trusted", "openpgp-maintainer", TRUSTED,
                        "Mai Ntainer <mai@example.org>"),
                arguments("a commit signed by a key outside the keyring is by an untrusted key", "openpgp-outsider",
                        UNTRUSTED_KEY, ""),
                arguments("a commit signed by an expired key is not trusted", "openpgp-expired", EXPIRED_KEY,
                        "Ex Pired <ex@example.org>"),
                arguments("a commit signed by a revoked key is not trusted", "openpgp-revoked", REVOKED_KEY,
                        "Re Voked <rev@example.org>"),
                arguments("a commit altered after it was signed has a bad signature", "openpgp-tampered",
                        BAD_SIGNATURE, "Mai Ntainer <mai@example.org>"),
                arguments("a commit signed by a bound, cross-certified signing subkey is trusted", "openpgp-subkey",
                        TRUSTED, "Sub Key <sub@example.org>"),
                arguments("an SSH-signed commit by an allowed signer is trusted", "ssh-maintainer", TRUSTED,
                        "mai@example.org"),
                arguments("an SSH-signed commit by a key not in allowed signers is by an untrusted key",
                        "ssh-outsider", UNTRUSTED_KEY, ""),
                arguments("an SSH-signed commit altered after it was signed has a bad signature", "ssh-tampered",
                        BAD_SIGNATURE, ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void verdicts(String sentence, String commit, SignatureVerdict verdict, String signer) throws IOException {
        var signatures = CommitSignatures.of(new SignerKeys(Optional.of(keyring), Optional.of(allowedSigners),
                List.of()), tmp.resolve("scratch"), Clock.systemUTC());
        var verification = signatures.verify(git.raw(COMMITS.get(commit)));
        assertThat(verification.verdict()).as(verification.detail()).isEqualTo(verdict);
        assertThat(verification.signer()).isEqualTo(signer);
        assertThat(verification.detail()).isNotEmpty();
    }

    @Test
    void keys_the_forge_lists_for_a_trusted_user_count_as_well_and_an_unreadable_one_spoils_nothing() throws IOException {
        var noKeys = CommitSignatures.of(SignerKeys.NONE, tmp.resolve("scratch"), Clock.systemUTC());
        assertThat(noKeys.verify(git.raw(COMMITS.get("ssh-outsider"))).verdict()).isEqualTo(UNTRUSTED_KEY);
        assertThat(noKeys.verify(git.raw(COMMITS.get("openpgp-outsider"))).verdict()).isEqualTo(UNTRUSTED_KEY);

        var forgeKeys = CommitSignatures.of(new SignerKeys(Optional.empty(), Optional.empty(), List.of(
                new SignerKeys.ForgeKey("alice", new SigningKey(SigningKey.Kind.OPENPGP, "not a key", "0")),
                new SignerKeys.ForgeKey("alice", new SigningKey(SigningKey.Kind.SSH, sshOutsider.publicKey, "1")))),
                tmp.resolve("scratch"), Clock.systemUTC());
        var verification = forgeKeys.verify(git.raw(COMMITS.get("ssh-outsider")));
        assertThat(verification.verdict()).isEqualTo(TRUSTED);
        assertThat(verification.signer()).isEqualTo("alice");
    }

    @Test
    void an_ssh_signed_commit_is_trusted_with_the_signing_key_gitlab_lists_for_its_author() throws IOException {
        try (var gitlab = new FakeGitLab("glpat-token", "labgate-bot")) {
            var forge = new GitLabForge(new GitLabSettings("gitlab", gitlab.url(), gitlab.url(), List.of("secret"),
                    "glpat-token", null), Clock.systemUTC());
            gitlab.sshKey("bob", sshOutsider.publicKey, "auth");
            assertThat(verifyWithForgeKeys("bob", forge)).as("a key only for logging in signs nothing")
                    .isEqualTo(UNTRUSTED_KEY);
            gitlab.sshKey("alice", sshOutsider.publicKey, "auth_and_signing");
            assertThat(verifyWithForgeKeys("alice", forge)).isEqualTo(TRUSTED);
        }
    }

    private static SignatureVerdict verifyWithForgeKeys(String user, GitLabForge forge) throws IOException {
        var keys = forge.signingKeys(new Person(user)).stream().map(k -> new SignerKeys.ForgeKey(user, k)).toList();
        return CommitSignatures.of(new SignerKeys(Optional.empty(), Optional.empty(), keys), tmp.resolve("scratch"),
                Clock.systemUTC()).verify(git.raw(COMMITS.get("ssh-outsider"))).verdict();
    }

    @Test
    void git_verify_commit_reaches_the_same_openpgp_verdicts() throws Exception {
        assumeTrue(Tools.present("git") && Tools.present("gpg"), "git and gpg are needed for the cross-check");
        var home = Files.createDirectories(tmp.resolve("gnupg"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        try {
            var imported = Tools.run(Map.of("GNUPGHOME", home.toString()), "gpg", "--batch", "--import",
                    keyring.toString());
            assertThat(imported.exit()).as(imported.output()).isZero();
            var disagreements = new ArrayList<String>();
            for (var name : List.of("unsigned", "openpgp-maintainer", "openpgp-outsider", "openpgp-expired",
                    "openpgp-revoked", "openpgp-tampered", "openpgp-subkey")) {
                var ours = CommitSignatures.of(new SignerKeys(Optional.of(keyring), Optional.empty(), List.of()),
                        tmp.resolve("scratch"), Clock.systemUTC()).verify(git.raw(COMMITS.get(name))).verdict();
                var result = Tools.run(Map.of("GNUPGHOME", home.toString()), "git", "--git-dir",
                        git.directory.toString(), "verify-commit", "--raw", COMMITS.get(name));
                var theirs = Tools.gpgVerdict(result);
                if (ours != theirs || (result.exit() == 0) != (ours == TRUSTED)) {
                    disagreements.add(name + ": labgate " + ours.label() + ", git " + theirs.label() + " (exit "
                            + result.exit() + ")\n" + result.output());
                }
            }
            assertThat(disagreements).isEmpty();
        } finally {
            Tools.run(Map.of("GNUPGHOME", home.toString()), "gpgconf", "--kill", "all");
        }
    }

    @Test
    void git_verify_commit_reaches_the_same_ssh_verdicts() throws Exception {
        assumeTrue(Tools.present("git") && Tools.present("ssh-keygen"), "git and ssh-keygen are needed");
        for (var name : List.of("ssh-maintainer", "ssh-outsider", "ssh-tampered")) {
            var ours = CommitSignatures.of(new SignerKeys(Optional.empty(), Optional.of(allowedSigners), List.of()),
                    tmp.resolve("scratch"), Clock.systemUTC()).verify(git.raw(COMMITS.get(name))).verdict();
            var result = Tools.run(Map.of(), "git", "--git-dir", git.directory.toString(), "-c",
                    "gpg.ssh.allowedSignersFile=" + allowedSigners, "verify-commit", COMMITS.get(name));
            assertThat(result.exit() == 0).as(name + ": " + result.output()).isEqualTo(ours == TRUSTED);
        }
    }
}
