package dev.labgate.forge.git;

import dev.labgate.core.trust.SignatureVerdict;
import dev.labgate.core.trust.SignerKeys;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectInserter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Conformance over upstream signed-commit material (../shared/corpus/signed-commits, see its
 * PROVENANCE): SSH-signed commits made by C git with JGit's expected verdicts, an OpenPGP commit
 * from go-git's tests, and commits GitHub signed with its web-flow key.
 */
class SignedCommitCorpusTest {

    private static Path corpus;

    @TempDir
    Path scratch;

    @BeforeAll
    static void locate() {
        var shared = System.getProperty("labgate.shared", "../../shared");
        corpus = Path.of(shared, "corpus", "signed-commits");
        assumeTrue(Files.isDirectory(corpus), "the signed-commit corpus is not at " + corpus.toAbsolutePath());
    }

    @Test
    void ssh_signed_commits_by_c_git_get_the_verdicts_jgit_and_git_verify_commit_give() throws IOException {
        var dir = corpus.resolve("jgit-ssh");
        var signatures = CommitSignatures.of(new SignerKeys(Optional.empty(),
                Optional.of(dir.resolve("allowed_signers").toAbsolutePath()), List.of()), scratch, Clock.systemUTC());
        var rows = Files.readAllLines(dir.resolve("expected.tsv")).stream().skip(1).filter(l -> !l.isBlank()).toList();
        assertThat(rows).hasSize(11);
        for (var row : rows) {
            var columns = row.split("\t");
            var raw = Files.readAllBytes(dir.resolve("commits").resolve(columns[0] + ".commit"));
            assertThat(objectId(raw)).isEqualTo(columns[0]);
            var verification = signatures.verify(raw);
            var trusted = columns[1].equals("TRUE");
            assertThat(trusted).as("JGit and C git agree on " + columns[0]).isEqualTo(columns[2].equals("0"));
            assertThat(verification.verdict() == SignatureVerdict.TRUSTED).as(columns[0] + ": " + verification.detail())
                    .isEqualTo(trusted);
            if (!trusted) {
                assertThat(verification.verdict()).isIn(SignatureVerdict.UNTRUSTED_KEY, SignatureVerdict.EXPIRED_KEY);
            }
        }
    }

    @Test
    void an_openpgp_commit_from_go_git_is_trusted_with_its_key_and_its_payload_is_the_signed_text() throws IOException {
        var dir = corpus.resolve("go-git-openpgp");
        var raw = Files.readAllBytes(dir.resolve("1eca38290a3131d0c90709496a9b2207a872631e.commit"));
        assertThat(objectId(raw)).isEqualTo("1eca38290a3131d0c90709496a9b2207a872631e");
        assertThat(new String(SignedCommit.parse(raw).payload(), StandardCharsets.UTF_8))
                .isEqualTo(Files.readString(dir.resolve("signed-payload.txt")));
        var withKey = CommitSignatures.of(new SignerKeys(Optional.of(dir.resolve("pubkey.asc")), Optional.empty(),
                List.of()), scratch, Clock.systemUTC()).verify(raw);
        assertThat(withKey.verdict()).as(withKey.detail()).isEqualTo(SignatureVerdict.TRUSTED);
        assertThat(withKey.signer()).isEqualTo("go-git test key");
        assertThat(withKey.detail()).contains("CCA94D32710DDFEA0DCF32858C9A6985E0BB95F1");
        var withoutKey = CommitSignatures.of(SignerKeys.NONE, scratch, Clock.systemUTC()).verify(raw);
        assertThat(withoutKey.verdict()).isEqualTo(SignatureVerdict.UNTRUSTED_KEY);
    }

    @Test
    void commits_github_signed_are_trusted_with_its_key_unknown_with_its_new_key_and_bad_when_altered()
            throws IOException {
        var dir = corpus.resolve("github-web-flow");
        var signatures = CommitSignatures.of(new SignerKeys(Optional.of(dir.resolve("web-flow-4AEE18F83AFDEB23.asc")),
                Optional.empty(), List.of()), scratch, Clock.systemUTC());
        for (var good : List.of("5ff33760b06c0d3c7ff974c1d6165221d8be02f0", "734ff42d1982629b6261a7e4ed8f141924b1ed9f",
                "069751617a9b4476ef1b6b73bd28c4d48cc0b102")) {
            var raw = Files.readAllBytes(dir.resolve("commits").resolve(good + ".commit"));
            assertThat(objectId(raw)).isEqualTo(good);
            var verification = signatures.verify(raw);
            assertThat(verification.verdict()).as(good + ": " + verification.detail()).isEqualTo(SignatureVerdict.TRUSTED);
            assertThat(verification.signer()).isEqualTo("GitHub (web-flow commit signing) <noreply@github.com>");
        }
        var newKey = signatures.verify(Files.readAllBytes(dir.resolve("commits")
                .resolve("3a58428aa5c399cf5aa12c8663aea1fb1f515254.commit")));
        assertThat(newKey.verdict()).isEqualTo(SignatureVerdict.UNTRUSTED_KEY);
        assertThat(newKey.detail()).contains("B5690EEEBB952194");

        var raw = Files.readAllBytes(dir.resolve("commits").resolve("5ff33760b06c0d3c7ff974c1d6165221d8be02f0.commit"));
        var text = new String(raw, StandardCharsets.UTF_8);
        var lastChar = text.length() - 2;
        var altered = (text.substring(0, lastChar) + (text.charAt(lastChar) == 'x' ? 'y' : 'x')
                + text.substring(lastChar + 1)).getBytes(StandardCharsets.UTF_8);
        assertThat(signatures.verify(altered).verdict()).isEqualTo(SignatureVerdict.BAD_SIGNATURE);
    }

    private static String objectId(byte[] raw) {
        try (var formatter = new ObjectInserter.Formatter()) {
            return formatter.idFor(Constants.OBJ_COMMIT, raw).name();
        }
    }
}
