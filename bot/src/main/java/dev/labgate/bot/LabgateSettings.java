package dev.labgate.bot;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The service's own settings ({@code labgate.*}; environment variables {@code LABGATE_*}).
 *
 * @param dataDir where the embedded database, work directories and git mirrors live
 * @param policy the policy file; without one, {@code policy/example.yml} or the example in the jar
 * @param publicUrl the URL at which contributors reach this service, for status links
 */
@ConfigurationProperties("labgate")
public record LabgateSettings(@Bindable(defaultValue = "./data") Path dataDir, Optional<Path> policy,
                              Optional<String> publicUrl) {
}
