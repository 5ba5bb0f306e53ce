package dev.labgate.forge.git;

import dev.labgate.core.trust.SignatureVerdict;
import org.eclipse.jgit.internal.transport.sshd.SshdText;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.GpgConfig;
import org.eclipse.jgit.lib.SignatureVerifier;
import org.eclipse.jgit.signing.ssh.SshSignatureVerifierFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Verifies an SSH commit signature with JGit's verifier (as {@code git verify-commit} does with
 * {@code gpg.ssh.allowedSignersFile}) and names the verdict. The verifier is created directly,
 * not found through JGit's service loader, so it is there in a shaded jar too.
 */
final class SshVerifier {

    private final SignatureVerifier verifier = new SshSignatureVerifierFactory().create();

    /**
     * @param allowedSigners an OpenSSH allowed-signers file (absolute path), or empty: then no key is trusted
     */
    Verification verify(SignedCommit commit, Optional<Path> allowedSigners) {
        var config = new Config();
        config.setString("gpg", null, "format", "ssh");
        allowedSigners.ifPresent(p -> config.setString("gpg", "ssh", "allowedSignersFile",
                p.toAbsolutePath().toString()));
        SignatureVerifier.SignatureVerification result;
        try {
            // The repository is only used to resolve relative paths; ours are absolute.
            result = verifier.verify(null, new GpgConfig(config), commit.payload(), commit.signature().orElseThrow());
        } catch (IOException | RuntimeException e) {
            return Verification.of(SignatureVerdict.BAD_SIGNATURE, "", "the SSH signature cannot be checked: "
                    + e.getMessage());
        }
        var key = result.keyFingerprint() == null ? "an unknown key" : "SSH key " + result.keyFingerprint();
        var signer = result.keyUser() == null ? "" : result.keyUser();
        if (result.verified()) {
            return Verification.of(SignatureVerdict.TRUSTED, signer, "good signature by " + key);
        }
        var message = result.message() == null ? "" : result.message();
        return Verification.of(verdict(result, message), signer, message.isEmpty()
                ? "the signature by " + key + " does not match the commit's content" : message + " (" + key + ")");
    }

    /**
     * JGit reports why a signature failed only in words: its message templates tell a key that is
     * not allowed, revoked or expired from a signature that does not verify.
     */
    private static SignatureVerdict verdict(SignatureVerifier.SignatureVerification result, String message) {
        var text = SshdText.get();
        if (result.expired() || matchesTemplate(message, text.signCertificateExpired)
                || matchesTemplate(message, text.signCertificateTooEarly)
                || matchesTemplate(message, text.signKeyExpired)
                || matchesTemplate(message, text.signKeyTooEarly)) {
            return SignatureVerdict.EXPIRED_KEY;
        }
        if (matchesTemplate(message, text.signKeyRevoked)
                || matchesTemplate(message, text.signCertificateRevoked)) {
            return SignatureVerdict.REVOKED_KEY;
        }
        for (var untrusted : List.of(text.signNoPrincipalMatched, text.signCertificateWithoutPrincipals,
                text.signCertificateNotForName, text.signWrongNamespace, text.signNotUserCertificate)) {
            if (matchesTemplate(message, untrusted)) {
                return SignatureVerdict.UNTRUSTED_KEY;
            }
        }
        return SignatureVerdict.BAD_SIGNATURE;
    }

    /** Whether {@code message} is {@code template} (a MessageFormat pattern) with its arguments filled in. */
    private static boolean matchesTemplate(String message, String template) {
        var parts = template.replace("''", "'").split("\\{\\d+}", -1);
        var regex = new StringBuilder(Pattern.quote(parts[0]));
        for (int i = 1; i < parts.length; i++) {
            regex.append(".*?").append(Pattern.quote(parts[i]));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(message).matches();
    }
}
