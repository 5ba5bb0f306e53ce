package dev.labgate.kcidb;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The upstream KCIDB reference files in {@code ../shared/corpus/kcidb}; tests that need them are skipped without them. */
final class Corpus {

    static final List<String> EXAMPLES = List.of("example-comprehensive-v5.3.json",
            "example-minimal-required-v5.3.json", "example-multi-origin-v5.3.json");

    private Corpus() {
    }

    static Path kcidb() {
        var shared = System.getProperty("labgate.shared");
        Assumptions.assumeTrue(shared != null, "system property labgate.shared is not set");
        var dir = Path.of(shared, "corpus", "kcidb");
        Assumptions.assumeTrue(Files.isDirectory(dir), "no KCIDB corpus at " + dir);
        return dir;
    }

    static Path file(String name) {
        return kcidb().resolve(name);
    }
}
