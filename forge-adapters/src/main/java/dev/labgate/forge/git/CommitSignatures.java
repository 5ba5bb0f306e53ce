package dev.labgate.forge.git;

import dev.labgate.core.Sha256;
import dev.labgate.core.forge.SigningKey;
import dev.labgate.core.trust.SignatureVerdict;
import dev.labgate.core.trust.SignerKeys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;

/**
 * Verifies commit signatures, OpenPGP and SSH, against one set of trusted keys. Build one per
 * decision (the keys may differ); it is thread-safe.
 */
public final class CommitSignatures {

    private static final OpenPgpVerifier OPENPGP = new OpenPgpVerifier();
    private static final SshVerifier SSH = new SshVerifier();

    private final OpenPgpKeys openPgp;
    private final Optional<Path> allowedSigners;
    private final Clock clock;

    private CommitSignatures(OpenPgpKeys openPgp, Optional<Path> allowedSigners, Clock clock) {
        this.openPgp = openPgp;
        this.allowedSigners = allowedSigners;
        this.clock = clock;
    }

    /**
     * Reads the keys. SSH keys the forge lists are written, with the operator's allowed signers,
     * into an allowed-signers file under {@code scratch} named by its content, because JGit reads
     * allowed signers from a file.
     *
     * @throws IOException when a keyring or allowed-signers file cannot be read
     */
    public static CommitSignatures of(SignerKeys keys, Path scratch, Clock clock) throws IOException {
        var openPgp = keys.openPgpKeyring().isPresent() ? OpenPgpKeys.load(keys.openPgpKeyring().get())
                : OpenPgpKeys.none();
        var sshLines = new StringBuilder();
        if (keys.sshAllowedSigners().isPresent()) {
            sshLines.append(Files.readString(keys.sshAllowedSigners().get())).append('\n');
        }
        boolean forgeSsh = false;
        for (var forgeKey : keys.forgeKeys()) {
            var key = forgeKey.key();
            if (key.kind() == SigningKey.Kind.OPENPGP) {
                try {
                    openPgp = openPgp.with(key.publicKey().getBytes(StandardCharsets.UTF_8),
                            forgeKey.owner() + "'s key on the forge");
                } catch (IOException e) {
                    // A key the forge holds that cannot be read trusts nothing; the others still count.
                }
            } else if (key.publicKey().strip().matches("(ssh-|ecdsa-|sk-)\\S+ \\S+.*")) {
                var fields = key.publicKey().strip().split("\\s+", 3);
                // The principal says whose key it is; git's namespace keeps it to commit signatures.
                sshLines.append(principal(forgeKey.owner())).append(" namespaces=\"git\" ").append(fields[0])
                        .append(' ').append(fields[1]).append('\n');
                forgeSsh = true;
            }
        }
        Optional<Path> allowed = keys.sshAllowedSigners();
        if (forgeSsh) {
            allowed = Optional.of(write(scratch, sshLines.toString()));
        }
        return new CommitSignatures(openPgp, allowed, clock);
    }

    /** Verifies one raw commit object, as {@code git cat-file commit} prints it. */
    public Verification verify(byte[] rawCommit) {
        var commit = SignedCommit.parse(rawCommit);
        if (commit.signature().isEmpty()) {
            return Verification.of(SignatureVerdict.UNSIGNED, "", "the commit is not signed");
        }
        return switch (commit.format()) {
            case OPENPGP -> OPENPGP.verify(commit, openPgp, clock.instant());
            case SSH -> SSH.verify(commit, allowedSigners);
            case X509 -> Verification.of(SignatureVerdict.UNTRUSTED_KEY, "", "X.509 signatures are not supported; "
                    + "sign with an OpenPGP or SSH key");
            case UNKNOWN -> Verification.of(SignatureVerdict.BAD_SIGNATURE, "", "the gpgsig header holds no "
                    + "signature labgate recognizes");
        };
    }

    private static String principal(String owner) {
        return owner.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._@-]", "_");
    }

    private static Path write(Path scratch, String content) throws IOException {
        Files.createDirectories(scratch);
        var file = scratch.resolve("allowed_signers-" + Sha256.hex(content, 8));
        if (!Files.exists(file)) {
            var tmp = Files.createTempFile(scratch, "allowed_signers", ".tmp");
            Files.writeString(tmp, content);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        return file.toAbsolutePath();
    }
}
