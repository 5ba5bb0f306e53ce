package dev.labgate.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MaintainersTest {

    /** Written in the shape of the kernel's MAINTAINERS, preamble included. */
    private static final String FILE = """
            List of maintainers
            ===================

            Descriptions of section entries and preferred order
            ---------------------------------------------------

            \tM: *Mail* patches to: FullName <address@domain>
            \tF: *Files* and directories wildcard patterns.

            Maintainers List
            ----------------

            NETWORKING DRIVERS
            M:\t"David S. Miller" <davem@example.net>
            M:\tJakub Kicinski <kuba@example.org>
            L:\tnetdev@example.org
            S:\tMaintained
            F:\tdrivers/net/
            X:\tdrivers/net/wireless/

            NETWORKING DRIVERS (WIRELESS)
            M:\tKalle Valo <kvalo@example.org>
            F:\tdrivers/net/wireless/

            ARM64 DEVICE TREES
            M:\tdt@example.org
            F:\tarch/arm64/boot/dts/*
            F:\tDocumentation/devicetree

            TEGRA
            M:\tTegra Person <tegra@example.org>
            N:\t[^a-z]tegra
            """;

    private final Maintainers maintainers = Maintainers.parse(FILE);

    @Test
    void the_preamble_is_not_a_section_and_sections_keep_their_maintainers() {
        assertThat(maintainers.sections()).extracting(Maintainers.Section::title).containsExactly(
                "NETWORKING DRIVERS", "NETWORKING DRIVERS (WIRELESS)", "ARM64 DEVICE TREES", "TEGRA");
        assertThat(maintainers.sections().get(0).maintainers()).containsExactly("davem@example.net",
                "kuba@example.org");
    }

    @Test
    void a_trailing_slash_covers_everything_below_except_the_excluded() {
        assertThat(maintainers.maintainersOf(List.of("drivers/net/ethernet/intel/e1000/main.c")))
                .containsExactly("davem@example.net", "kuba@example.org");
        assertThat(maintainers.maintainersOf(List.of("drivers/net/wireless/ath/main.c")))
                .containsExactly("kvalo@example.org");
    }

    @Test
    void a_star_covers_one_directory_level_and_a_plain_directory_covers_what_is_below() {
        assertThat(maintainers.maintainersOf(List.of("arch/arm64/boot/dts/board.dts"))).contains("dt@example.org");
        assertThat(maintainers.maintainersOf(List.of("arch/arm64/boot/dts/vendor/board.dts"))).isEmpty();
        assertThat(maintainers.maintainersOf(List.of("Documentation/devicetree/bindings/x.yaml")))
                .contains("dt@example.org");
    }

    @Test
    void a_regex_entry_covers_any_path_it_finds() {
        assertThat(maintainers.maintainersOf(List.of("drivers/gpu/host1x/tegra-drm.c")))
                .contains("tegra@example.org");
    }

    @Test
    void the_sections_a_person_maintains_for_a_change_are_named() {
        var touched = List.of("drivers/net/ethernet/a.c", "fs/ext4/inode.c");
        assertThat(maintainers.sectionsMaintainedBy("Kuba@Example.org", touched))
                .containsExactly("NETWORKING DRIVERS");
        assertThat(maintainers.sectionsMaintainedBy("kvalo@example.org", touched)).isEmpty();
    }
}
