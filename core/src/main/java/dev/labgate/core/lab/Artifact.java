package dev.labgate.core.lab;

import java.util.Objects;

/**
 * A file a run published for the stages after it (a build lab's kernel image, modules, device
 * trees, {@code .config} and log): where to download it and how to check it.
 *
 * @param name the file's path under its run, e.g. {@code bzImage} or {@code dtbs/broadcom/bcm2711-rpi-4-b.dtb}
 * @param kind what it is, for the labs that use it
 * @param url where it can be downloaded, read-only
 * @param sha256 its SHA-256, 64 lowercase hex digits
 * @param size its size in bytes
 */
public record Artifact(String name, Kind kind, String url, String sha256, long size) {

    public enum Kind {
        KERNEL, MODULES, DEVICE_TREE, CONFIG, LOG
    }

    public Artifact {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(sha256, "sha256");
    }
}
