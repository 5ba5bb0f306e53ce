package dev.labgate.config;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A position in a parsed policy document. Reading a value of the wrong shape records a
 * {@link PolicyError} at the value's line and column and yields an empty result, so that one pass
 * reports every problem in the file.
 */
final class PolicyNode {

    private static final Pattern DURATION = Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

    private final Node node;
    private final String path;
    private final List<PolicyError> errors;

    PolicyNode(Node node, String path, List<PolicyError> errors) {
        this.node = node;
        this.path = path;
        this.errors = errors;
    }

    String path() {
        return path;
    }

    void error(String message, String suggestion) {
        var mark = node.getStartMark();
        errors.add(new PolicyError(mark.getLine() + 1, mark.getColumn() + 1, path, message, suggestion));
    }

    /** The entries of a mapping, in file order; empty (with an error) if this is not a mapping. */
    Map<String, PolicyNode> entries() {
        var result = new LinkedHashMap<String, PolicyNode>();
        if (!(node instanceof MappingNode mapping)) {
            error("expected a mapping of keys to values, found " + kind(), "write it as indented 'key: value' lines");
            return result;
        }
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                new PolicyNode(tuple.getKeyNode(), path, errors).error("a key must be plain text", "");
                continue;
            }
            var child = new PolicyNode(tuple.getValueNode(), join(path, key.getValue()), errors);
            if (result.put(key.getValue(), child) != null) {
                new PolicyNode(key, child.path, errors).error("duplicate key '" + key.getValue() + "'",
                        "keep one of them");
            }
        }
        return result;
    }

    /** The entries of a mapping that may only have the given keys; others are reported with a suggestion. */
    Map<String, PolicyNode> entries(Collection<String> allowed) {
        var entries = entries();
        onlyKeys(entries, allowed);
        return entries;
    }

    /** Reports the keys of {@code entries} (read from this mapping) that are not {@code allowed}. */
    void onlyKeys(Map<String, PolicyNode> entries, Collection<String> allowed) {
        for (var entry : entries.entrySet()) {
            // A secret written inline is reported by SecretScan, with the fix that applies to secrets.
            if (!allowed.contains(entry.getKey()) && !SecretScan.isSecretKey(entry.getKey())) {
                var key = findKeyNode(entry.getKey());
                new PolicyNode(key, entry.getValue().path, errors).error("unknown key '" + entry.getKey() + "'",
                        closest(entry.getKey(), allowed).map(s -> "did you mean '" + s + "'?")
                                .orElse("allowed here: " + String.join(", ", new TreeSet<>(allowed))));
            }
        }
    }

    List<PolicyNode> items() {
        if (!(node instanceof SequenceNode sequence)) {
            error("expected a list, found " + kind(), "write it as [a, b] or as lines starting with '- '");
            return List.of();
        }
        var items = new ArrayList<PolicyNode>();
        for (int i = 0; i < sequence.getValue().size(); i++) {
            items.add(new PolicyNode(sequence.getValue().get(i), path + "[" + i + "]", errors));
        }
        return items;
    }

    Optional<String> string() {
        if (node instanceof ScalarNode scalar) {
            return Optional.of(scalar.getValue());
        }
        error("expected a single value, found " + kind(), "write one value after the colon");
        return Optional.empty();
    }

    /** Whether this position holds a single value (as opposed to a list or a mapping). */
    boolean isScalar() {
        return node instanceof ScalarNode;
    }

    private String kind() {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return "a single value";
    }

    List<String> strings() {
        if (node instanceof ScalarNode scalar) {
            return List.of(scalar.getValue());
        }
        return items().stream().flatMap(item -> item.string().stream()).toList();
    }

    Optional<Duration> duration() {
        return string().flatMap(text -> {
            var m = DURATION.matcher(text.trim());
            if (text.isBlank() || !m.matches()) {
                error("'" + text + "' is not a duration", "write it like 90s, 10m, 1h30m or 14d");
                return Optional.empty();
            }
            long seconds = 0;
            long[] unit = {86_400, 3600, 60, 1};
            for (int i = 0; i < unit.length; i++) {
                if (m.group(i + 1) != null) {
                    seconds += Long.parseLong(m.group(i + 1)) * unit[i];
                }
            }
            if (seconds == 0) {
                error("a duration must be longer than zero", "");
                return Optional.empty();
            }
            return Optional.of(Duration.ofSeconds(seconds));
        });
    }

    Optional<Long> size() {
        return string().flatMap(text -> {
            var t = text.trim().toUpperCase(Locale.ROOT);
            long factor = 1;
            if (t.endsWith("K")) {
                factor = 1024;
            } else if (t.endsWith("M")) {
                factor = 1024 * 1024;
            } else if (t.endsWith("G")) {
                factor = 1024L * 1024 * 1024;
            }
            var digits = factor == 1 ? t : t.substring(0, t.length() - 1);
            try {
                return Optional.of(Long.parseLong(digits) * factor);
            } catch (NumberFormatException e) {
                error("'" + text + "' is not a size", "write it like 65536, 64K, 1M or 2G");
                return Optional.empty();
            }
        });
    }

    Optional<Boolean> bool() {
        return string().flatMap(text -> switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> Optional.of(true);
            case "false", "no", "off" -> Optional.of(false);
            default -> {
                error("'" + text + "' is not true or false", "write true or false");
                yield Optional.empty();
            }
        });
    }

    /** A whole number between {@code min} and {@code max}. */
    Optional<Integer> integer(int min, int max) {
        return string().flatMap(text -> {
            try {
                var value = Integer.parseInt(text.trim());
                if (value < min || value > max) {
                    error(value + " is out of range", "a number from " + min + " to " + max);
                    return Optional.empty();
                }
                return Optional.of(value);
            } catch (NumberFormatException e) {
                error("'" + text + "' is not a whole number", "a number from " + min + " to " + max);
                return Optional.empty();
            }
        });
    }

    /** An absolute http(s) URL. */
    Optional<URI> url() {
        return string().flatMap(text -> {
            try {
                var uri = new URI(text.trim());
                if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
                    error("'" + text + "' is not an http or https URL", "write it like https://lab.example.org/");
                    return Optional.empty();
                }
                if (uri.getUserInfo() != null) {
                    error("the URL carries credentials", "remove them; labs take their token from the environment");
                    return Optional.empty();
                }
                return Optional.of(uri);
            } catch (URISyntaxException e) {
                error("'" + text + "' is not a URL: " + e.getReason(), "write it like https://lab.example.org/");
                return Optional.empty();
            }
        });
    }

    /** A git repository URL: http(s), ssh, git, or file for a repository on this host. */
    Optional<URI> gitUrl() {
        return string().flatMap(text -> {
            try {
                var uri = new URI(text.trim());
                var scheme = uri.getScheme();
                if (scheme == null || !scheme.matches("https?|ssh|git|file")
                        || !"file".equals(scheme) && uri.getHost() == null || uri.getPath() == null) {
                    error("'" + text + "' is not a git URL", "write it like https://git.example.org/linux.git");
                    return Optional.empty();
                }
                if (uri.getUserInfo() != null && !"ssh".equals(scheme)) {
                    error("the URL carries credentials", "remove them; labs take their token from the environment");
                    return Optional.empty();
                }
                return Optional.of(uri);
            } catch (URISyntaxException e) {
                error("'" + text + "' is not a URL: " + e.getReason(), "write it like https://git.example.org/linux.git");
                return Optional.empty();
            }
        });
    }

    /** The name of an environment variable (the value is read from the environment, never from the policy). */
    Optional<String> envName() {
        return string().flatMap(text -> {
            if (!text.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                error("'" + text + "' is not the name of an environment variable",
                        "name the variable that holds the secret, like LABGATE_KERNELCI_TOKEN");
                return Optional.empty();
            }
            return Optional.of(text);
        });
    }

    /** A regular expression (Java syntax), with the column of a syntax error when it has one. */
    Optional<Pattern> regex() {
        return string().flatMap(text -> {
            try {
                return Optional.of(Pattern.compile(text));
            } catch (PatternSyntaxException e) {
                error("not a valid regular expression: " + e.getDescription()
                        + (e.getIndex() >= 0 ? " at character " + (e.getIndex() + 1) : ""), "");
                return Optional.empty();
            }
        });
    }

    /** A file that must exist, relative to {@code directory} unless absolute. */
    Optional<Path> existingFile(Path directory) {
        return string().flatMap(text -> {
            try {
                var path = directory.resolve(text.trim()).normalize();
                if (!Files.isRegularFile(path)) {
                    error("file " + path + " does not exist", "paths are relative to the policy file's directory");
                    return Optional.empty();
                }
                return Optional.of(path);
            } catch (InvalidPathException e) {
                error("'" + text + "' is not a file path", "");
                return Optional.empty();
            }
        });
    }

    private Node findKeyNode(String key) {
        for (NodeTuple tuple : ((MappingNode) node).getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return k;
            }
        }
        return node;
    }

    private static String join(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    /** The allowed word nearest to a misspelt one, if it is near enough to be what was meant. */
    static Optional<String> closest(String word, Collection<String> candidates) {
        return candidates.stream()
                .min(Comparator.comparingInt(c -> editDistance(word, c)))
                .filter(c -> editDistance(word, c) <= Math.max(2, word.length() / 3));
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            var swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
