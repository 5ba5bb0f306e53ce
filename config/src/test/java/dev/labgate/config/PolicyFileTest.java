package dev.labgate.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicyFileTest {

    @TempDir
    Path dir;

    private final List<String> heard = new ArrayList<>();
    private final PolicyFile.Listener listener = new PolicyFile.Listener() {
        @Override
        public void reloaded(Policy policy) {
            heard.add("reloaded " + policy.trust().minPermission());
        }

        @Override
        public void refused(List<PolicyError> errors) {
            heard.add("refused " + errors.get(0));
        }
    };

    /** A clock the test moves by hand. */
    private static final class Hand extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final Hand clock = new Hand();

    private Path write(String text, int second) throws IOException {
        var file = dir.resolve("policy.yml");
        Files.writeString(file, text);
        // File systems keep coarse times: make every write visibly newer.
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(second)));
        return file;
    }

    @Test
    void a_changed_file_is_in_force_at_the_next_check_without_a_restart() throws IOException {
        var file = PolicyFile.load(write("trust: {min-permission: write}\n", 1), clock, Duration.ofSeconds(1), listener);
        assertThat(file.current().trust().minPermission().name()).isEqualTo("WRITE");

        write("trust: {min-permission: admin}\n", 2);
        assertThat(file.current().trust().minPermission().name()).as("checked at most once a second").isEqualTo("WRITE");
        clock.now = clock.now.plusSeconds(2);
        assertThat(file.current().trust().minPermission().name()).isEqualTo("ADMIN");
        assertThat(heard).containsExactly("reloaded ADMIN");
    }

    @Test
    void an_invalid_new_file_is_refused_once_and_the_last_valid_policy_stays() throws IOException {
        var file = PolicyFile.load(write("trust: {min-permission: write}\n", 1), clock, Duration.ofSeconds(1), listener);
        var valid = file.current();

        write("trust: {min-permission: wrote}\n", 2);
        clock.now = clock.now.plusSeconds(2);
        assertThat(file.current()).isSameAs(valid);
        clock.now = clock.now.plusSeconds(2);
        assertThat(file.current()).isSameAs(valid);
        assertThat(heard).containsExactly("refused 1:25: trust.min-permission: unknown permission level 'wrote' "
                + "(did you mean 'write'?)");

        Files.delete(dir.resolve("policy.yml"));
        clock.now = clock.now.plusSeconds(2);
        assertThat(file.current()).isSameAs(valid);
        assertThat(heard).hasSize(2).last().asString().contains("cannot read");

        write("trust: {min-permission: maintain}\n", 3);
        clock.now = clock.now.plusSeconds(2);
        assertThat(file.current().trust().minPermission().name()).isEqualTo("MAINTAIN");
    }

    @Test
    void an_invalid_file_at_start_is_refused_with_every_error() throws IOException {
        var path = write("labs:\n  x: {type: nope}\nplans: [{lab: y}]\n", 1);
        assertThatThrownBy(() -> PolicyFile.load(path, clock, Duration.ofSeconds(1), listener))
                .isInstanceOfSatisfying(PolicyFile.Invalid.class, e -> assertThat(e.errors()).hasSize(2))
                .hasMessageContaining("2:13: labs.x.type: unknown lab type 'nope'")
                .hasMessageContaining("3:15: plans[0].lab: unknown lab 'y'");
    }
}
