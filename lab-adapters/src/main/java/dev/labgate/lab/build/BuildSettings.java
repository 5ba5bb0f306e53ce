package dev.labgate.lab.build;

import dev.labgate.core.lab.KernelArch;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a build lab builds.
 *
 * @param arch the kernel's {@code ARCH}
 * @param defconfig the configuration target to start from
 * @param fragments merged on top, in order: files in the tree, or single options ({@code CONFIG_KUNIT=y},
 *                  {@code # CONFIG_DEBUG_INFO is not set}); checked by the policy parser
 * @param toolchain {@code gcc} or {@code clang}, optionally with a version ({@code gcc-12}, {@code clang-17})
 * @param crossCompile the {@code CROSS_COMPILE} prefix for gcc; empty for a native build
 * @param configName how results name the configuration ({@code defconfig+kvm_guest})
 */
public record BuildSettings(KernelArch arch, String defconfig, List<String> fragments, String toolchain,
                            Optional<String> crossCompile, String configName) {
    public BuildSettings {
        Objects.requireNonNull(arch, "arch");
        Objects.requireNonNull(defconfig, "defconfig");
        fragments = List.copyOf(fragments);
        Objects.requireNonNull(toolchain, "toolchain");
        Objects.requireNonNull(crossCompile, "crossCompile");
        Objects.requireNonNull(configName, "configName");
    }
}
