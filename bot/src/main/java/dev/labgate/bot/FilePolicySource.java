package dev.labgate.bot;

import dev.labgate.config.Policy;
import dev.labgate.config.PolicyError;
import dev.labgate.config.PolicyFile;
import dev.labgate.config.PolicyParser;
import dev.labgate.config.PolicySource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The policy from the operator's file, or the shipped example when none is configured. A policy
 * file is reloaded when it changes; a changed file that is not valid is refused (and logged) and
 * the last valid policy stays in force.
 */
public final class FilePolicySource implements PolicySource {

    private static final Logger LOG = LoggerFactory.getLogger(FilePolicySource.class);
    static final Path EXAMPLE = Path.of("policy", "example.yml");
    private static final String BUNDLED_EXAMPLE = "/labgate/example.yml";
    /** How often the file is looked at for changes. */
    private static final Duration CHECK_EVERY = Duration.ofSeconds(2);

    /** The policy file is not valid: every problem, with its line. */
    public static final class InvalidPolicy extends RuntimeException {
        private final transient List<PolicyError> errors;

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
    private volatile PolicySource source;
    private volatile String refusal = "";

    private FilePolicySource(String where) {
        this.where = where;
    }

    public static FilePolicySource load(Optional<Path> configured) {
        if (configured.isPresent()) {
            return fromFile(configured.get().toString(), configured.get());
        }
        if (Files.isRegularFile(EXAMPLE)) {
            return fromFile(EXAMPLE + " (the shipped example)", EXAMPLE);
        }
        try (InputStream in = FilePolicySource.class.getResourceAsStream(BUNDLED_EXAMPLE)) {
            if (in == null) {
                throw new IllegalStateException("no policy configured and no example bundled; set labgate.policy");
            }
            var where = "example bundled in the jar";
            var result = new PolicyParser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            if (!result.valid()) {
                throw new InvalidPolicy(where, result.errors());
            }
            var policy = result.policy().orElseThrow();
            var bundled = new FilePolicySource(where);
            bundled.source = () -> policy;
            return bundled;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FilePolicySource fromFile(String where, Path path) {
        var file = new FilePolicySource(where);
        try {
            file.source = PolicyFile.load(path, Clock.systemUTC(), CHECK_EVERY, new PolicyFile.Listener() {
                @Override
                public void reloaded(Policy policy) {
                    file.refusal = "";
                    LOG.info("policy {} reloaded: version {}", where, policy.version());
                }

                @Override
                public void refused(List<PolicyError> errors) {
                    file.refusal = String.join("\n", errors.stream().map(PolicyError::toString).toList());
                    LOG.error("policy {} changed but is not valid; the last valid policy stays in force:\n  {}",
                            where, file.refusal.replace("\n", "\n  "));
                }
            });
            return file;
        } catch (PolicyFile.Invalid e) {
            throw new InvalidPolicy(where, e.errors());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the policy file " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Policy current() {
        return source.current();
    }

    /** Why the latest change to the file was refused; empty when the file in force is the file on disk. */
    public Optional<String> refusal() {
        return refusal.isEmpty() ? Optional.empty() : Optional.of(refusal);
    }

    /** Where the policy came from, for the logs. */
    public String where() {
        return where;
    }
}
