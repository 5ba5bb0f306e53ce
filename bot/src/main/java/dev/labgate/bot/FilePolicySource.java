package dev.labgate.bot;

import dev.labgate.config.Policy;
import dev.labgate.config.PolicyError;
import dev.labgate.config.PolicyParser;
import dev.labgate.config.PolicySource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The policy from the operator's file, or the shipped example when none is configured. */
public final class FilePolicySource implements PolicySource {

    static final Path EXAMPLE = Path.of("policy", "example.yml");
    private static final String BUNDLED_EXAMPLE = "/labgate/example.yml";

    /** The policy file is not valid: every problem, with its line. */
    public static final class InvalidPolicy extends RuntimeException {
        private final List<PolicyError> errors;

        InvalidPolicy(String where, List<PolicyError> errors) {
            super("the policy " + where + " is not valid:\n  " + String.join("\n  ",
                    errors.stream().map(PolicyError::toString).toList()));
            this.errors = errors;
        }

        public List<PolicyError> errors() {
            return errors;
        }
    }

    private final String where;
    private final Policy policy;

    private FilePolicySource(String where, Policy policy) {
        this.where = where;
        this.policy = policy;
    }

    public static FilePolicySource load(Optional<Path> configured) {
        if (configured.isPresent()) {
            return fromText(configured.get().toString(), read(configured.get()));
        }
        if (Files.isRegularFile(EXAMPLE)) {
            return fromText(EXAMPLE + " (the shipped example)", read(EXAMPLE));
        }
        try (InputStream in = FilePolicySource.class.getResourceAsStream(BUNDLED_EXAMPLE)) {
            if (in == null) {
                throw new IllegalStateException("no policy configured and no example bundled; set labgate.policy");
            }
            return fromText("example bundled in the jar", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FilePolicySource fromText(String where, String text) {
        var result = new PolicyParser().parse(text);
        if (!result.valid()) {
            throw new InvalidPolicy(where, result.errors());
        }
        return new FilePolicySource(where, result.policy().orElseThrow());
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the policy file " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Policy current() {
        return policy;
    }

    /** Where the policy came from, for the logs. */
    public String where() {
        return where;
    }
}
