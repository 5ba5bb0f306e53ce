package dev.labgate.core.retry;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(30),
            Duration.ofMinutes(10));

    @Test
    void the_wait_doubles_with_each_failure_up_to_the_cap() {
        // with the jitter at its top the wait is the nominal one
        assertThat(policy.backoff(1, () -> 0.999999)).isEqualTo(Duration.ofMillis(1999));
        assertThat(policy.backoff(2, () -> 0.999999)).isEqualTo(Duration.ofMillis(3999));
        assertThat(policy.backoff(4, () -> 0.999999)).isEqualTo(Duration.ofMillis(15999));
        assertThat(policy.backoff(5, () -> 0.999999)).isEqualTo(Duration.ofMillis(29999));
        assertThat(policy.backoff(60, () -> 0.999999)).isEqualTo(Duration.ofMillis(29999));
        assertThat(policy.backoff(Integer.MAX_VALUE, () -> 0.999999)).isEqualTo(Duration.ofMillis(29999));
    }

    @Test
    void jitter_draws_each_wait_between_half_and_all_of_its_nominal_value() {
        assertThat(policy.backoff(3, () -> 0.0)).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.backoff(3, () -> 0.5)).isEqualTo(Duration.ofSeconds(6));
        var random = new Random(17);
        var seen = new HashSet<Duration>();
        for (int i = 0; i < 1000; i++) {
            var wait = policy.backoff(3, random::nextDouble);
            assertThat(wait).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(8));
            seen.add(wait);
        }
        // tasks that failed together spread out instead of retrying together
        assertThat(seen).hasSizeGreaterThan(500);
    }

    @Test
    void the_cap_holds_with_jitter_too() {
        var random = new Random(3);
        for (int failures = 1; failures < 100; failures++) {
            assertThat(policy.backoff(failures, random::nextDouble)).isLessThanOrEqualTo(Duration.ofSeconds(30));
        }
    }

    @Test
    void a_wait_the_other_side_asked_for_is_taken_as_it_is() {
        assertThat(policy.next(7, Optional.of(Duration.ofMillis(300)))).isEqualTo(Duration.ofMillis(300));
        assertThat(policy.next(1, Optional.of(Duration.ofMinutes(5)))).isEqualTo(Duration.ofMinutes(5));
        assertThat(policy.next(1, Optional.empty())).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void a_call_gives_up_once_its_waits_add_up_to_the_patience() {
        // 2 + 4 + 8 + 16 = 30 s, then 30 s per failure: 600 s are reached after 4 + 19 failures
        assertThat(policy.maxFailures()).isEqualTo(24);
        assertThat(policy.exhausted(23)).isFalse();
        assertThat(policy.exhausted(24)).isTrue();
        assertThat(RetryPolicy.OUTSIDE_CALLS.maxFailures()).isBetween(700, 730);
    }

    @Test
    void a_policy_that_cannot_wait_is_refused() {
        assertThatThrownBy(() -> new RetryPolicy(Duration.ZERO, Duration.ofSeconds(1), Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> policy.backoff(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
