package dev.labgate.core.lab;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The kernel architectures a build lab builds for, each with the image its boards boot.
 *
 * @param word the kernel's {@code ARCH} value, and the KCIDB build architecture
 * @param image the make target of the kernel image, and the artifact's file name
 * @param imagePath where the image is in the build directory
 * @param deviceTrees whether the architecture's boards boot with device trees ({@code make dtbs})
 */
public enum KernelArch {
    X86_64("x86_64", "bzImage", "arch/x86/boot/bzImage", false),
    I386("i386", "bzImage", "arch/x86/boot/bzImage", false),
    ARM64("arm64", "Image", "arch/arm64/boot/Image", true),
    ARM("arm", "zImage", "arch/arm/boot/zImage", true),
    RISCV("riscv", "Image", "arch/riscv/boot/Image", true);

    private final String word;
    private final String image;
    private final String imagePath;
    private final boolean deviceTrees;

    KernelArch(String word, String image, String imagePath, boolean deviceTrees) {
        this.word = word;
        this.image = image;
        this.imagePath = imagePath;
        this.deviceTrees = deviceTrees;
    }

    public String word() {
        return word;
    }

    public String image() {
        return image;
    }

    public String imagePath() {
        return imagePath;
    }

    public boolean deviceTrees() {
        return deviceTrees;
    }

    public static Optional<KernelArch> of(String word) {
        return Arrays.stream(values()).filter(a -> a.word.equals(word)).findFirst();
    }

    public static List<String> words() {
        return Arrays.stream(values()).map(KernelArch::word).toList();
    }
}
