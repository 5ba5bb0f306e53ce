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
 * @param publicUrl the URL at which contributors reach this service, for status links and lab callbacks
 * @param callbackKey the secret lab callback tokens derive from (at least 32 characters; the same on
 *     every replica); without it, a random key kept in the data directory
 */
@ConfigurationProperties("labgate")
public record LabgateSettings(@Bindable(defaultValue = "./data") Path dataDir, Optional<Path> policy,
                              Optional<String> publicUrl, Optional<String> callbackKey) {

    /** The file in the data directory where a started service notes its address, for {@code labgate replay}. */
    public static final String ADDRESS_FILE = "labgate.url";

    @Override
    public String toString() {
        return "LabgateSettings[dataDir=" + dataDir + ", policy=" + policy + ", publicUrl=" + publicUrl
                + ", callbackKey=" + (callbackKey.isPresent() ? "set" : "in the data directory") + "]";
    }
}
