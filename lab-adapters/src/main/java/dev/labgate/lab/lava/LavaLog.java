package dev.labgate.lab.lava;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.util.Map;
import java.util.Set;

/**
 * A LAVA job's log ({@code GET /api/v0.2/jobs/<id>/logs/}, lava_rest_app/v02/views.py {@code logs}):
 * YAML, one flow mapping per line, {@code - {"dt": ..., "lvl": ..., "msg": ...}} (lava_common/log.py
 * {@code dump}). The device's console is the {@code target} and {@code feedback} lines; the kernel's
 * reports in it (oops, panic, BUG, KASAN, WARNING) are what a failed boot or test says about itself.
 * Pure and thread-safe.
 */
final class LavaLog {

    private static final Set<String> CONSOLE = Set.of("target", "feedback");

    private LavaLog() {
    }

    /** The device's console, one message per line; lines that are not log entries are skipped. */
    static String console(String log) {
        var options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        var yaml = new Yaml(new SafeConstructor(options));
        var console = new StringBuilder();
        for (var line : log.split("\r?\n")) {
            if (!line.startsWith("- {")) {
                continue;
            }
            Object entry;
            try {
                entry = yaml.load(line.substring(2));
            } catch (YAMLException e) {
                continue; // a line cut short (a log still being written) says nothing reliable
            }
            if (entry instanceof Map<?, ?> map && CONSOLE.contains(String.valueOf(map.get("lvl")))
                    && map.get("msg") instanceof String message) {
                console.append(message).append('\n');
            }
        }
        return console.toString();
    }
}
