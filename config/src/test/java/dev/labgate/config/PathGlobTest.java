package dev.labgate.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class PathGlobTest {

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
            "drivers/net/**, drivers/net/e1000/main.c, true",
            "drivers/net/**, drivers/net/Kconfig, true",
            "drivers/net/**, drivers/netdevsim/x.c, false",
            "drivers/net/*, drivers/net/Kconfig, true",
            "drivers/net/*, drivers/net/e1000/main.c, false",
            "**/Kconfig, Kconfig, true",
            "**/Kconfig, arch/arm64/Kconfig, true",
            "arch/**/dts/*.dts, arch/arm64/boot/dts/board.dts, true",
            "arch/**/dts/*.dts, arch/dts/board.dts, true",
            "arch/**/dts/*.dts, arch/arm64/boot/dts/board.dtsi, false",
            "'{net,drivers/net}/**', net/core/dev.c, true",
            "'{net,drivers/net}/**', drivers/net/x.c, true",
            "'fs/ext[234]/**', fs/ext4/inode.c, true",
            "'fs/ext[234]/**', fs/ext5/inode.c, false",
            "MAINTAINERS, MAINTAINERS, true",
            "MAINTAINERS, drivers/MAINTAINERS, false"})
    void globs_match_the_paths_of_a_change_like_a_shell(String glob, String path, boolean matches) {
        assertThat(PathGlob.problem(glob)).isEmpty();
        assertThat(PathGlob.of(glob).matches(path)).isEqualTo(matches);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "/drivers/**|relative to the top",
            "./drivers/**|relative to the top",
            "drivers\\net\\**|'/' between directories",
            "drivers/net/|a directory alone",
            "drivers//net/**|'//' matches no path",
            "drivers/../net/**|never contain '..'",
            "drivers/net**|whole segment",
            "Documentaton/**|no top-level 'Documentaton'",
            "'fs/ext[234/**'|not a valid glob"})
    void implausible_globs_are_explained(String glob, String message) {
        assertThat(PathGlob.problem(glob)).hasValueSatisfying(p -> assertThat(p.message()).contains(message));
    }
}
