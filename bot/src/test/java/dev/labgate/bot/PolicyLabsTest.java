package dev.labgate.bot;

import dev.labgate.config.PolicyParser;
import dev.labgate.lab.sandbox.Bubblewrap;
import dev.labgate.lab.sandbox.SandboxSetup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PolicyLabsTest {

    @TempDir
    Path tmp;

    /** The service's default data directory is {@code ./data}: a relative path, which bubblewrap cannot bind. */
    @Test
    void a_command_lab_is_sandboxed_when_the_data_directory_is_given_as_a_relative_path() throws IOException {
        var here = Bubblewrap.setUp(false, List.of(), tmp.resolve("check"));
        assumeTrue(here instanceof SandboxSetup.Ready, () -> "no sandbox on this host: "
                + ((SandboxSetup.Refused) here).reason());
        var policy = new PolicyParser().parse("""
                labs:
                  local: {type: command, command: make}
                """, tmp).policy().orElseThrow();
        var relative = Path.of("target", "policy-labs-" + tmp.getFileName());
        assertThat(relative.isAbsolute()).isFalse();
        try (var labs = new PolicyLabs(() -> policy, relative, Clock.systemUTC(),
                new PolicyLabs.Context(name -> null, Optional.empty(), new byte[32], runId -> null))) {
            assertThat(labs.sandbox("local")).containsInstanceOf(SandboxSetup.Ready.class);
            assertThat(labs.problems()).isEmpty();
        } finally {
            if (Files.exists(relative)) {
                try (Stream<Path> paths = Files.walk(relative)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }
}
