package dev.labgate.kcidb;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KcidbIdsTest {

    @Test
    void a_labs_id_keeps_its_run_part_under_the_operators_origin_so_a_resubmission_updates_it() {
        var ids = new KcidbIds("acme_ci");

        assertThat(ids.of("labgate:3f2a9c01d4e5b6a7c8d9.ktap.2")).isEqualTo("acme_ci:3f2a9c01d4e5b6a7c8d9.ktap.2");
        assertThat(new KcidbIds("acme_ci").of("labgate:3f2a9c01d4e5b6a7c8d9.ktap.2"))
                .isEqualTo(ids.of("labgate:3f2a9c01d4e5b6a7c8d9.ktap.2"));
        assertThat(ids.of("labgate:other-run.ktap.2")).isNotEqualTo(ids.of("labgate:3f2a9c01d4e5b6a7c8d9.ktap.2"));
    }

    @Test
    void an_origin_kcidb_would_reject_is_refused_at_once() {
        assertThatThrownBy(() -> new KcidbIds("Lab-Gate")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lowercase letters, digits and '_'");
    }
}
