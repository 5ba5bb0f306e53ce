package dev.labgate.forge.git;

import dev.labgate.core.trust.SignatureVerdict;
import dev.labgate.core.trust.SignerKeys;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevWalk;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The commit-signature benchmark of docs/benchmarks.md (not a unit test): a 1,000-commit range,
 * each commit signed, verified end to end as labgate does it (walk, signature, patch id) and for
 * the signatures alone. Run it with the command in docs/benchmarks.md; it prints one line per
 * measurement.
 */
public final class VerifyRangeBenchmark {

    private static final int COMMITS = 1000;
    private static final int ROUNDS = 7;

    public static void main(String[] args) throws Exception {
        var root = Files.createTempDirectory("labgate-bench");
        var now = Instant.now();
        var openPgp = OpenPgpTestKey.create("Mai Ntainer <mai@example.org>", now.minus(Duration.ofDays(1)), null);
        var rsa = OpenPgpTestKey.rsa("Old School <old@example.org>", now.minus(Duration.ofDays(1)), 4096);
        var keyring = Files.writeString(root.resolve("keyring.asc"), openPgp.armoredPublicKey()
                + rsa.armoredPublicKey());
        var ssh = SshTestKey.create(root, "id_ed25519");
        var allowed = Files.writeString(root.resolve("allowed_signers"), ssh.allowedSigner("mai@example.org"));
        var keys = new SignerKeys(Optional.of(keyring), Optional.of(allowed.toAbsolutePath()), List.of());
        System.out.printf("java %s, %d processors%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors());
        try (var git = new GitFixture(root.resolve("openpgp.git"))) {
            var range = build(git, (payload, at) -> openPgp.sign(payload, at));
            measure("OpenPGP Ed25519", git, range, keys, root);
        }
        try (var git = new GitFixture(root.resolve("rsa.git"))) {
            var range = build(git, (payload, at) -> rsa.sign(payload, at));
            measure("OpenPGP RSA-4096", git, range, keys, root);
        }
        try (var git = new GitFixture(root.resolve("ssh.git"))) {
            var range = build(git, (payload, at) -> ssh.sign(git.repository, payload, at));
            measure("SSH Ed25519", git, range, keys, root);
        }
    }

    private interface Sign {
        byte[] sign(byte[] payload, Instant at);
    }

    /** A base commit and 1,000 signed commits on it, each changing one line of a 200-line file. */
    private static String[] build(GitFixture git, Sign sign) {
        var lines = new ArrayList<String>();
        for (int i = 0; i < 200; i++) {
            lines.add("line " + i);
        }
        var at = Instant.parse("2026-01-01T00:00:00Z");
        var base = git.commit("refs/heads/master", null, "base", Map.of("drivers/x.c", String.join("\n", lines)),
                at, null);
        var head = base;
        for (int i = 0; i < COMMITS; i++) {
            lines.set(i % 200, "line " + (i % 200) + " changed " + i);
            head = git.commit("refs/heads/master", head, "change " + i + "\n\nSigned-off-by: Mai <mai@example.org>\n",
                    Map.of("drivers/x.c", String.join("\n", lines)), at.plusSeconds(i), payload -> sign.sign(payload,
                            Instant.parse("2026-01-01T00:00:00Z")));
        }
        return new String[]{base, head};
    }

    private static void measure(String name, GitFixture git, String[] range, SignerKeys keys, Path root)
            throws Exception {
        var full = new long[ROUNDS];
        var signaturesOnly = new long[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            var start = System.nanoTime();
            var signatures = CommitSignatures.of(keys, root.resolve("scratch"), Clock.systemUTC());
            var checks = CommitWalk.inspect(git.repository, ObjectId.fromString(range[1]),
                    List.of(ObjectId.fromString(range[0])), signatures, GitChangeCommits.MAX_COMMITS);
            full[round] = System.nanoTime() - start;
            if (checks.size() != COMMITS || checks.stream().anyMatch(c -> c.verdict() != SignatureVerdict.TRUSTED)) {
                throw new IllegalStateException(name + ": expected " + COMMITS + " trusted commits, got " + checks);
            }
            var raws = new ArrayList<byte[]>();
            try (var walk = new RevWalk(git.repository)) {
                walk.markStart(walk.parseCommit(ObjectId.fromString(range[1])));
                walk.markUninteresting(walk.parseCommit(ObjectId.fromString(range[0])));
                walk.forEach(c -> raws.add(c.getRawBuffer()));
            }
            start = System.nanoTime();
            var verifier = CommitSignatures.of(keys, root.resolve("scratch"), Clock.systemUTC());
            for (var raw : raws) {
                if (verifier.verify(raw).verdict() != SignatureVerdict.TRUSTED) {
                    throw new IllegalStateException(name + ": a commit is not trusted");
                }
            }
            signaturesOnly[round] = System.nanoTime() - start;
        }
        System.out.printf("%s: repository %s, range %s..%s%n", name, git.directory, range[0], range[1]);
        report(name + ", 1000 commits, walk + signature + patch id", full);
        report(name + ", 1000 commits, signatures only", signaturesOnly);
    }

    private static void report(String what, long[] nanos) {
        var first = nanos[0];
        var warm = Arrays.copyOfRange(nanos, 1, nanos.length);
        Arrays.sort(warm);
        System.out.printf("%-55s first (cold) %6d ms, warm median %6d ms, warm best %6d ms%n", what, first / 1_000_000,
                warm[warm.length / 2] / 1_000_000, warm[0] / 1_000_000);
    }
}
