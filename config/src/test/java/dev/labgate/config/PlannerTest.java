package dev.labgate.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class PlannerTest {

    private final Policy policy = new PolicyParser().parse("""
            labs:
              local: {type: command, command: make}
              net-rig: {type: command, command: make}
            plans:
              - name: build
                lab: local
                tests: [build]
              - name: networking
                lab: net-rig
                tests: [netdev-selftests]
                paths: ['net/**', 'drivers/net/**']
              - name: net-build
                lab: local
                tests: [build, allmodconfig]
                paths: ['drivers/net/**']
            """, Path.of("")).policy().orElseThrow();

    private final Planner planner = new Planner();

    @Test
    void a_change_outside_every_path_rule_runs_only_the_plans_for_every_change() {
        var plan = planner.plan(policy, Optional.of(List.of("fs/ext4/inode.c")));
        assertThat(plan.entries()).singleElement().satisfies(e -> {
            assertThat(e.lab()).isEqualTo("local");
            assertThat(e.tests()).containsExactly("build");
            assertThat(e.why()).isEqualTo("plan 'build'");
        });
    }

    @Test
    void a_change_under_a_path_rule_adds_its_lab_and_says_which_paths_matched() {
        var plan = planner.plan(policy, Optional.of(List.of("drivers/net/a.c", "drivers/net/b.c", "net/core/c.c",
                "net/core/d.c", "README")));
        assertThat(plan.entries()).hasSize(2);
        var local = plan.entries().get(0);
        assertThat(local.tests()).containsExactly("build", "allmodconfig");
        assertThat(local.why()).isEqualTo("plan 'build'; plan 'net-build' (touches drivers/net/a.c, drivers/net/b.c)");
        var rig = plan.entries().get(1);
        assertThat(rig.lab()).isEqualTo("net-rig");
        assertThat(rig.why()).isEqualTo("plan 'networking' (touches drivers/net/a.c, drivers/net/b.c, net/core/c.c "
                + "and 1 more)");
    }

    @Test
    void when_the_changed_paths_are_unknown_path_rules_are_kept_and_say_so() {
        var plan = planner.plan(policy, Optional.empty());
        assertThat(plan.entries()).extracting(e -> e.lab()).containsExactly("local", "net-rig");
        assertThat(plan.entries().get(1).why()).contains("changed paths not known");
    }
}
