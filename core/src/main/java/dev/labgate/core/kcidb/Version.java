package dev.labgate.core.kcidb;

public record Version(int major, Integer minor) {
    public static final Version V5_3 = new Version(5, 3);
}
