package dev.labgate.kcidb;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KcidbIdsTest {

    private final KcidbIds ids = new KcidbIds("labgate");

    @Test
    void the_same_checkout_gets_the_same_id_every_time_so_a_resubmission_updates_it() {
        var first = ids.checkout("https://git.example/linux.git", "labgate/pr-7", "0123456789abcdef0123456789abcdef01234567");
        var again = new KcidbIds("labgate").checkout("https://git.example/linux.git", "labgate/pr-7",
                "0123456789abcdef0123456789abcdef01234567");

        assertThat(again).isEqualTo(first);
        assertThat(first).matches("labgate:[0-9a-f]{32}");
    }

    @Test
    void anything_that_makes_an_object_different_changes_its_id() {
        var checkout = ids.checkout("https://git.example/linux.git", "main", "0123456789abcdef0123456789abcdef01234567");

        assertThat(ids.checkout("https://git.example/linux.git", "next", "0123456789abcdef0123456789abcdef01234567"))
                .isNotEqualTo(checkout);
        assertThat(ids.build(checkout, "x86_64", "defconfig", "gcc")).isNotEqualTo(ids.build(checkout, "arm64", "defconfig", "gcc"));
        var build = ids.build(checkout, "x86_64", "defconfig", "gcc");
        assertThat(ids.test(build, "kunit.a", "qemu", 0)).isNotEqualTo(ids.test(build, "kunit.a", "qemu", 1))
                .isNotEqualTo(ids.test(build, "kunit.a", "rpi4", 0));
        assertThat(ids.build(checkout, "x86_64 def", "config", "gcc")).isNotEqualTo(ids.build(checkout, "x86_64", "def config", "gcc"));
        assertThat(new KcidbIds("other").checkout("https://git.example/linux.git", "main",
                "0123456789abcdef0123456789abcdef01234567")).startsWith("other:");
    }

    @Test
    void an_origin_kcidb_would_reject_is_refused_at_once() {
        assertThatThrownBy(() -> new KcidbIds("Lab-Gate")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lowercase letters, digits and '_'");
    }
}
