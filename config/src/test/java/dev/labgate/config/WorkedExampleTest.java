package dev.labgate.config;

import dev.labgate.core.lab.KernelArch;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The worked example that docs/labs.md shows is the one labgate ships, and it is a valid policy. */
class WorkedExampleTest {

    static final Path POLICY = Path.of("..", "policy", "build-and-boot.yml");
    static final Path TEMPLATE = Path.of("..", "policy", "lava", "qemu-x86_64-kunit.yaml");

    @Test
    void the_shipped_worked_example_is_a_valid_policy_with_a_boot_after_its_build() throws IOException {
        var result = new PolicyParser().parse(Files.readString(POLICY), POLICY.getParent());
        assertThat(result.errors()).isEmpty();
        var policy = result.policy().orElseThrow();
        assertThat(policy.after("qemu-kunit")).contains("build");
        assertThat(((LabSpec.Build) policy.labs().get("build")).arch()).isEqualTo(KernelArch.X86_64);
        assertThat(new Planner().plan(policy, Optional.of(List.of("init/main.c"))).entries())
                .extracting(e -> e.lab()).containsExactly("build", "qemu-kunit");
    }

    @Test
    void docs_labs_md_shows_the_policy_and_the_template_as_they_ship() throws IOException {
        var docs = Files.readString(Path.of("..", "docs", "labs.md"));
        assertThat(docs).contains("```yaml\n" + Files.readString(POLICY) + "```");
        assertThat(docs).contains("```yaml\n" + Files.readString(TEMPLATE) + "```");
    }
}
