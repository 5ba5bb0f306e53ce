package dev.labgate.kcidb;

import java.util.regex.Pattern;

/** JSON path steps as violations print them: {@code .name}, or {@code ['odd name']} when needed. */
final class Paths {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private Paths() {
    }

    static String property(String name) {
        return PLAIN.matcher(name).matches() ? "." + name
                : "['" + name.replace("\\", "\\\\").replace("'", "\\'") + "']";
    }
}
