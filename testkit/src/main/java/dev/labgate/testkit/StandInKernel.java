package dev.labgate.testkit;

import java.util.Map;

/**
 * A kernel tree small enough for a test: a {@code Makefile} that answers the targets a build lab
 * asks for ({@code defconfig}, {@code olddefconfig}, the image, {@code modules},
 * {@code modules_install}, {@code dtbs}, {@code dtbs_install}) with {@code ARCH=} and
 * {@code O=} as Kbuild takes them, and a {@code scripts/kconfig/merge_config.sh} that appends
 * fragments as {@code -m} does. The build is real {@code make}, {@code sh}, {@code tar} and
 * {@code xz}; only the compiler is missing. Its output has a compiler warning, so that the log
 * has something to report.
 */
public final class StandInKernel {

    /** The warning every build of the tree prints. */
    public static final String WARNING =
            "drivers/stand-in/stand-in.c:12:5: warning: unused variable 'x' [-Wunused-variable]";
    /** The error a broken tree prints before make gives up. */
    public static final String ERROR = "init/main.c:7:1: error: expected ';' before '}' token";

    private static final String MAKEFILE = """
            O ?= .
            ARCH ?= x86_64
            IMAGE_x86_64 := arch/x86/boot/bzImage
            IMAGE_arm64 := arch/arm64/boot/Image

            defconfig:
            \tmkdir -p $(O)
            \tprintf '%s\\n' 'CONFIG_MODULES=y' 'CONFIG_CC_VERSION_TEXT="stand-in cc 1.0"' > $(O)/.config

            olddefconfig:
            \ttest -f $(O)/.config

            bzImage Image:
            \t@echo '  CC      init/main.o'
            \t@{BROKEN}
            \tmkdir -p $(O)/$(dir $(IMAGE_$(ARCH)))
            \tprintf 'stand-in %s kernel\\n' '$(ARCH)' > $(O)/$(IMAGE_$(ARCH))
            \t@{AFTER}

            modules:
            \t@echo '  CC [M]  drivers/stand-in/stand-in.o'
            \t@echo "@WARNING@"

            modules_install:
            \tmkdir -p $(INSTALL_MOD_PATH)/lib/modules/6.9.0-stand-in/kernel/drivers
            \tprintf 'module\\n' > $(INSTALL_MOD_PATH)/lib/modules/6.9.0-stand-in/kernel/drivers/stand-in.ko

            dtbs:
            \t@echo '  DTC     arch/arm64/boot/dts/broadcom/bcm2711-rpi-4-b.dtb'

            dtbs_install:
            \tmkdir -p $(INSTALL_DTBS_PATH)/broadcom
            \tprintf 'dtb\\n' > $(INSTALL_DTBS_PATH)/broadcom/bcm2711-rpi-4-b.dtb

            .PHONY: defconfig olddefconfig bzImage Image modules modules_install dtbs dtbs_install
            """;

    private static final String MERGE_CONFIG = """
            #!/bin/sh
            # merge_config.sh -m -O <dir> <base> <fragment>...: appends each fragment to the base.
            set -eu
            [ "$1" = -m ] && shift
            [ "$1" = -O ] && shift 2
            base=$1
            shift
            for fragment in "$@"; do
              cat "$fragment" >> "$base"
            done
            """;

    private StandInKernel() {
    }

    /** The files of a tree that builds. */
    public static Map<String, String> tree() {
        return files("true", "true");
    }

    /** The files of a tree whose image does not compile. */
    public static Map<String, String> broken() {
        return files("echo \"" + ERROR + "\"; exit 1", "true");
    }

    /**
     * The files of a tree whose build replaces its image with a symbolic link to {@code target}, as
     * a change would to have a file of the host published as its kernel.
     */
    public static Map<String, String> linkingImageTo(String target) {
        return files("true", "ln -sf '" + target.replace("'", "") + "' $(O)/$(IMAGE_$(ARCH))");
    }

    private static Map<String, String> files(String broken, String after) {
        return Map.of("Makefile", MAKEFILE.replace("@WARNING@", WARNING)
                        .replace("{BROKEN}", broken).replace("{AFTER}", after),
                "scripts/kconfig/merge_config.sh", MERGE_CONFIG,
                "kernel/configs/kvm_guest.config", "CONFIG_KVM_GUEST=y\n");
    }
}
