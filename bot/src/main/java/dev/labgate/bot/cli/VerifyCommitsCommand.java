package dev.labgate.bot.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labgate.core.trust.CommitCheck;
import dev.labgate.core.trust.SignatureVerdict;
import dev.labgate.core.trust.SignerKeys;
import dev.labgate.forge.git.CommitSignatures;
import dev.labgate.forge.git.CommitWalk;
import dev.labgate.forge.git.GitChangeCommits;
import org.eclipse.jgit.api.Git;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code labgate verify-commits}: the signature verdict of every commit of a range, as labgate
 * reaches it, with the operator's keys and nothing from the host's GnuPG home.
 */
@Command(name = "verify-commits", mixinStandardHelpOptions = true,
        description = {"Verify the signatures of the commits of RANGE (A..B, or one commit) in a local repository.",
                "One line per commit: its id, its verdict (trusted, unsigned, untrusted-key, bad-signature, "
                        + "expired-key, revoked-key) and the signer.",
                "Exit status 0 when every commit is trusted, 1 when one is not, 2 on a usage error."})
public final class VerifyCommitsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--repo", required = true, paramLabel = "DIR", description = "the repository (work tree or bare)")
    Path repo;

    @Option(names = "--keyring", paramLabel = "FILE", description = "armored OpenPGP public keys to trust")
    Path keyring;

    @Option(names = "--ssh-allowed-signers", paramLabel = "FILE", description = "an OpenSSH allowed-signers file")
    Path allowedSigners;

    @Option(names = "--json", description = "print a JSON array of {commit, verdict, signer, detail, patch_id}")
    boolean json;

    @Parameters(paramLabel = "RANGE", description = "A..B for the commits of B not in A, or a single commit")
    String range;

    @Override
    public Integer call() throws IOException {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        for (var file : new Path[]{keyring, allowedSigners}) {
            if (file != null && !Files.isRegularFile(file)) {
                err.println(file + ": no such file");
                return 2;
            }
        }
        var keys = new SignerKeys(Optional.ofNullable(keyring), Optional.ofNullable(allowedSigners)
                .map(p -> p.toAbsolutePath()), List.of());
        var scratch = Files.createTempDirectory("labgate-verify");
        List<CommitCheck> checks;
        try (var git = Git.open(repo.toFile())) {
            checks = CommitWalk.inspect(git.getRepository(), range, CommitSignatures.of(keys, scratch,
                    Clock.systemUTC()), GitChangeCommits.MAX_COMMITS);
        } catch (IllegalArgumentException | IOException e) {
            err.println("labgate verify-commits: " + e.getMessage());
            return 2;
        } finally {
            try (var files = Files.list(scratch)) {
                for (var file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(scratch);
        }
        if (json) {
            var rows = checks.stream().map(c -> {
                var row = new LinkedHashMap<String, String>();
                row.put("commit", c.commit());
                row.put("verdict", c.verdict().label());
                row.put("signer", c.signer());
                row.put("detail", c.detail());
                row.put("patch_id", c.patchId());
                return row;
            }).toList();
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(rows));
        } else {
            for (var c : checks) {
                out.println(c.commit() + " " + c.verdict().label() + (c.signer().isEmpty() ? "" : " " + c.signer())
                        + (c.detail().isEmpty() ? "" : "  # " + c.detail()));
            }
        }
        if (checks.isEmpty()) {
            err.println("labgate verify-commits: " + range + " has no commits");
        }
        return checks.stream().allMatch(c -> c.verdict() == SignatureVerdict.TRUSTED) ? 0 : 1;
    }
}
