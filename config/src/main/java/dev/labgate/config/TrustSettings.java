package dev.labgate.config;

import dev.labgate.core.forge.Permission;

import java.util.Objects;

/** Whom labgate trusts to put a tree on lab hardware. */
public record TrustSettings(Permission.Level minPermission) {
    public static final TrustSettings DEFAULT = new TrustSettings(Permission.Level.WRITE);

    public TrustSettings {
        Objects.requireNonNull(minPermission, "minPermission");
    }
}
