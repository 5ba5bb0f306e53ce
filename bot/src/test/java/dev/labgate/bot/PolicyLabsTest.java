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
import java.util.Map;
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

    @Test
    void a_build_lab_whose_bucket_has_no_credentials_in_the_environment_refuses_its_runs_and_says_which() throws IOException {
        var here = Bubblewrap.setUp(false, List.of(), tmp.resolve("check"));
        assumeTrue(here instanceof SandboxSetup.Ready, () -> "no sandbox on this host: "
                + ((SandboxSetup.Refused) here).reason());
        var policy = new PolicyParser().parse("""
                labs:
                  build: {type: build, arch: x86_64}
                artifacts:
                  s3: {endpoint: 'https://s3.example.org', bucket: kernels}
                """, tmp).policy().orElseThrow();
        var environment = Map.of("LABGATE_S3_ACCESS_KEY_ID", "an-access-key");
        try (var labs = new PolicyLabs(() -> policy, tmp.resolve("data"), Clock.systemUTC(),
                new PolicyLabs.Context(environment::get, Optional.empty(), new byte[32], runId -> null))) {
            assertThat(labs.problems()).containsExactly("lab build: artifacts.s3 needs the bucket's access key in "
                    + "LABGATE_S3_ACCESS_KEY_ID and its secret in LABGATE_S3_SECRET_ACCESS_KEY; "
                    + "LABGATE_S3_SECRET_ACCESS_KEY is not set");
        }
    }
}
