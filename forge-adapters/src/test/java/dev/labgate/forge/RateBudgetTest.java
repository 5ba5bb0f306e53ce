package dev.labgate.forge;

import dev.labgate.core.forge.ForgeException;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class RateBudgetTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private final RateBudget budget = new RateBudget("GitHub", 50, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void an_unknown_budget_lets_everything_through() {
        assertThatCode(() -> budget.admit(RateBudget.Use.FACT, "read")).doesNotThrowAnyException();
    }

    @Test
    void when_only_the_reserve_is_left_facts_wait_for_the_reset_and_reports_go_through() {
        budget.observe(50, NOW.plusSeconds(600));
        var e = catchThrowableOfType(() -> budget.admit(RateBudget.Use.FACT, "read the permission"),
                ForgeException.class);
        assertThat(e.retryable()).isTrue();
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(600));
        assertThat(e.getMessage()).contains("kept for reports").contains("read the permission");
        assertThatCode(() -> budget.admit(RateBudget.Use.REPORT, "set a status")).doesNotThrowAnyException();
    }

    @Test
    void a_budget_that_has_reset_is_no_longer_low() {
        budget.observe(3, NOW.minusSeconds(1));
        assertThatCode(() -> budget.admit(RateBudget.Use.FACT, "read")).doesNotThrowAnyException();
    }

    @Test
    void after_the_forge_said_wait_every_call_waits_even_reports() {
        budget.observe(4000, NOW.plusSeconds(3000));
        budget.pauseUntil(NOW.plusSeconds(90));
        var e = catchThrowableOfType(() -> budget.admit(RateBudget.Use.REPORT, "set a status"),
                ForgeException.class);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(90));
    }
}
