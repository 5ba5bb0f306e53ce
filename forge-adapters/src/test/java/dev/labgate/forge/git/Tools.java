package dev.labgate.forge.git;

import dev.labgate.core.trust.SignatureVerdict;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The git, gpg and ssh-keygen programs, for cross-checks against the reference implementation. */
final class Tools {

    record Result(int exit, String output) {
    }

    private Tools() {
    }

    static boolean present(String program) {
        for (var dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    static Result run(Map<String, String> env, String... command) throws IOException, InterruptedException {
        var builder = new ProcessBuilder(List.of(command)).redirectErrorStream(true);
        builder.environment().putAll(env);
        var process = builder.start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish");
        }
        return new Result(process.exitValue(), output);
    }

    /** What gpg told git ({@code verify-commit --raw} prints gpg's status lines), as a verdict. */
    static SignatureVerdict gpgVerdict(Result result) {
        var out = result.output();
        if (out.contains("[GNUPG:] GOODSIG")) {
            return SignatureVerdict.TRUSTED;
        }
        if (out.contains("[GNUPG:] BADSIG")) {
            return SignatureVerdict.BAD_SIGNATURE;
        }
        if (out.contains("[GNUPG:] EXPKEYSIG") || out.contains("[GNUPG:] EXPSIG")) {
            return SignatureVerdict.EXPIRED_KEY;
        }
        if (out.contains("[GNUPG:] REVKEYSIG")) {
            return SignatureVerdict.REVOKED_KEY;
        }
        if (out.contains("[GNUPG:] ERRSIG") || out.contains("[GNUPG:] NO_PUBKEY")) {
            return SignatureVerdict.UNTRUSTED_KEY;
        }
        return SignatureVerdict.UNSIGNED;
    }
}
