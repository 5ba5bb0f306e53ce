package dev.labgate.config;

import dev.labgate.core.lab.KernelArch;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads the {@code labs} section: each lab's kind and settings, and who may use it. */
final class LabParser {

    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);
    static final Duration DEFAULT_BUILD_TIMEOUT = Duration.ofHours(1);
    private static final Pattern CONFIG_TARGET = Pattern.compile("[A-Za-z0-9_.+-]*config");
    private static final Pattern TREE_PATH = Pattern.compile("[A-Za-z0-9_.+-]+(/[A-Za-z0-9_.+-]+)*");
    private static final Pattern CONFIG_OPTION = Pattern.compile(
            "CONFIG_[A-Za-z0-9_]+=(y|m|n|-?\\d+|0x[0-9a-fA-F]+|\"[^\"\\\\\\n]*\")|# CONFIG_[A-Za-z0-9_]+ is not set");
    private static final Pattern TOOLCHAIN = Pattern.compile("(gcc|clang)(-\\d+)?");
    private static final Pattern CROSS_COMPILE = Pattern.compile("[A-Za-z0-9_.-]+-");
    static final long DEFAULT_MAX_OUTPUT = 1024 * 1024;
    static final int DEFAULT_PROCESSES = 1024;
    static final long DEFAULT_OUTPUT_LIMIT = 64L << 20;
    static final long DEFAULT_DISK_LIMIT = 20L << 30;
    /** Where the sandbox has mounts of its own, which a read-only path may not cover. */
    private static final List<String> SANDBOX_OWN = List.of("/proc", "/dev", "/tmp", "/labgate");
    private static final Set<String> LIMIT_KEYS = Set.of("cpu", "memory", "processes", "output", "disk");
    static final int MAX_FILTERS = 8;

    private static final Set<String> COMMON = Set.of("type", "timeout", "tier", "max-concurrent", "retries",
            "baseline");
    private static final String TYPE_NAMES = "command, build, kernelci, lava";
    private static final Map<String, Set<String>> TYPES = Map.of(
            "command", Set.of("command", "env", "max-output", "sandbox", "network", "read-only", "limits"),
            "build", Set.of("arch", "defconfig", "fragments", "toolchain", "cross-compile", "sandbox", "network",
                    "read-only", "limits"),
            "kernelci", Set.of("pipeline-url", "api-url", "token-env", "tree-url", "push-url", "push-token-env",
                    "branch", "jobfilter", "platformfilter", "poll-interval", "dashboard-url"),
            "lava", Set.of("url", "token-env", "template", "variables", "artifacts-url", "device-tree",
                    "poll-interval"));

    private final Path directory;

    LabParser(Path directory) {
        this.directory = directory;
    }

    /**
     * The labs, the access of each, and where each one's baseline comes from, in file order.
     *
     * @param defined        every name under {@code labs:}, including labs whose definition has errors, so that a
     *                       plan naming one is not reported a second time as naming an unknown lab
     * @param kcidbBaselines the {@code baseline: kcidb} entries, for the check that a dashboard is configured
     */
    record Labs(Map<String, LabSpec> specs, Map<String, LabAccess> access, Set<String> defined,
                Map<String, Baseline> baselines, List<PolicyNode> kcidbBaselines) {
    }

    Labs parse(PolicyNode node) {
        var specs = new LinkedHashMap<String, LabSpec>();
        var access = new LinkedHashMap<String, LabAccess>();
        var defined = new LinkedHashSet<String>();
        var baselines = new LinkedHashMap<String, Baseline>();
        var kcidb = new ArrayList<PolicyNode>();
        node.entries().forEach((name, lab) -> {
            defined.add(name);
            if (!name.matches("[a-z0-9][a-z0-9_-]*")) {
                lab.error("lab name '" + name + "' may only use a-z, 0-9, '-' and '_'",
                        "it becomes the status context labgate/" + name);
            }
            var entries = lab.entries();
            var type = Optional.ofNullable(entries.get("type")).flatMap(PolicyNode::string);
            var allowed = new HashSet<>(COMMON);
            type.map(TYPES::get).ifPresentOrElse(allowed::addAll, () -> TYPES.values().forEach(allowed::addAll));
            lab.onlyKeys(entries, allowed);
            if (type.isEmpty()) {
                if (!entries.containsKey("type") && !lab.isScalar()) {
                    lab.error("a lab needs a type", "type: one of " + TYPE_NAMES);
                }
                return;
            }
            if (!TYPES.containsKey(type.get())) {
                entries.get("type").error("unknown lab type '" + type.get() + "'", PolicyNode.closest(type.get(),
                        TYPES.keySet()).map(t -> "did you mean '" + t + "'?")
                        .orElse("one of " + TYPE_NAMES));
                return;
            }
            access.put(name, access(entries));
            var section = new Section(lab, entries);
            var spec = switch (type.get()) {
                case "command" -> command(name, section);
                case "build" -> build(name, section);
                case "kernelci" -> kernelCi(name, section);
                default -> lava(name, section);
            };
            spec.ifPresent(s -> specs.put(name, s));
            spec.ifPresent(s -> baseline(entries.get("baseline")).ifPresent(b -> {
                baselines.put(name, b);
                if (b == Baseline.KCIDB) {
                    kcidb.add(entries.get("baseline"));
                }
            }));
            spec.filter(s -> !entries.containsKey("baseline")).ifPresent(s -> baselines.put(name, Baseline.defaultFor(s)));
        });
        return new Labs(specs, access, defined, baselines, kcidb);
    }

    private static Optional<Baseline> baseline(PolicyNode node) {
        if (node == null) {
            return Optional.empty();
        }
        return node.string().flatMap(text -> {
            for (var b : Baseline.values()) {
                if (b.word().equals(text.trim())) {
                    return Optional.of(b);
                }
            }
            node.error("unknown baseline '" + text + "'", "one of: test-base (labgate tests the base commit), "
                    + "kcidb (the base's results from kcidb.dashboard), none");
            return Optional.empty();
        });
    }

    private static LabAccess access(Map<String, PolicyNode> entries) {
        var tier = Optional.ofNullable(entries.get("tier")).flatMap(node -> node.string().flatMap(text -> {
            for (var t : LabAccess.Tier.values()) {
                if (t.word().equals(text.trim())) {
                    return Optional.of(t);
                }
            }
            node.error("unknown tier '" + text + "'", "one of: trusted (any trusted author), maintainers "
                    + "(maintainers only)");
            return Optional.empty();
        })).orElse(LabAccess.Tier.TRUSTED);
        var max = Optional.ofNullable(entries.get("max-concurrent")).flatMap(n -> n.integer(1, 10_000));
        var retries = Optional.ofNullable(entries.get("retries")).flatMap(n -> n.integer(0, 10))
                .orElse(LabAccess.DEFAULT.retries());
        return new LabAccess(tier, max, retries);
    }

    private static Optional<LabSpec> command(String name, Section s) {
        var command = s.required("command", PolicyNode::string, "command: make -j2 defconfig all");
        var timeout = s.optional("timeout", PolicyNode::duration).orElse(DEFAULT_TIMEOUT);
        var env = new LinkedHashMap<String, String>();
        s.optional("env", n -> Optional.of(n.entries())).ifPresent(m -> m.forEach((k, v) -> {
            if (!k.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                v.error("'" + k + "' is not the name of an environment variable", "use letters, digits and '_'");
            }
            v.string().ifPresent(value -> env.put(k, value));
        }));
        var maxOutput = s.optional("max-output", PolicyNode::size).orElse(DEFAULT_MAX_OUTPUT);
        var confinement = confinement(s);
        return command.flatMap(c -> confinement.map(k -> new LabSpec.Command(name, c, timeout, env, maxOutput, k)));
    }

    private static Optional<LabSpec.Confinement> confinement(Section s) {
        var sandboxed = s.optional("sandbox", node -> node.string().flatMap(text -> switch (text.trim()) {
            case "bubblewrap" -> Optional.of(true);
            case "none" -> Optional.of(false);
            default -> {
                node.error("unknown sandbox '" + text + "'", "bubblewrap (the default) or none (the command then "
                        + "runs as labgate's own user and can read its secrets)");
                yield Optional.empty();
            }
        }));
        if (s.entries().containsKey("sandbox") && sandboxed.isEmpty()) {
            return Optional.empty();
        }
        var network = s.optional("network", PolicyNode::bool).orElse(false);
        var readOnly = s.optional("read-only", LabParser::readOnlyPaths).orElse(List.of());
        if (!sandboxed.orElse(true)) {
            for (var key : List.of("network", "read-only")) {
                Optional.ofNullable(s.entries().get(key)).ifPresent(node -> node.error("'" + key
                        + "' has no meaning with sandbox: none", "remove it: without a sandbox the command reaches "
                        + "everything labgate's user can"));
            }
        }
        var limits = Optional.ofNullable(s.entries().get("limits")).map(node -> node.entries(LIMIT_KEYS))
                .orElse(Map.of());
        var cpu = Optional.ofNullable(limits.get("cpu")).flatMap(PolicyNode::duration);
        var memory = Optional.ofNullable(limits.get("memory")).flatMap(n -> positiveSize(n));
        var processes = Optional.ofNullable(limits.get("processes")).flatMap(n -> n.integer(8, 1_000_000))
                .orElse(DEFAULT_PROCESSES);
        var output = Optional.ofNullable(limits.get("output")).flatMap(LabParser::positiveSize)
                .orElse(DEFAULT_OUTPUT_LIMIT);
        var disk = Optional.ofNullable(limits.get("disk")).flatMap(LabParser::positiveSize).orElse(DEFAULT_DISK_LIMIT);
        return Optional.of(new LabSpec.Confinement(sandboxed.orElse(true), network, readOnly, cpu, memory, processes,
                output, disk));
    }

    private static Optional<Long> positiveSize(PolicyNode node) {
        return node.size().filter(size -> {
            if (size <= 0) {
                node.error("a limit must be larger than zero", "write it like 512M or 20G");
            }
            return size > 0;
        });
    }

    /** Absolute host paths, each a place of its own in the sandbox. */
    private static Optional<List<Path>> readOnlyPaths(PolicyNode node) {
        var paths = new java.util.ArrayList<Path>();
        for (var item : node.isScalar() ? List.of(node) : node.items()) {
            item.string().ifPresent(text -> {
                var path = Path.of(text.trim());
                if (path.isAbsolute() && path.getNameCount() == 0) {
                    item.error("the whole host cannot be made visible", "name the directories the command needs");
                } else if (!path.isAbsolute() || !path.normalize().equals(path) || text.trim().endsWith("/")) {
                    item.error("'" + text + "' is not an absolute path without '..' or a trailing '/'",
                            "write it like /opt/toolchains");
                } else if (SANDBOX_OWN.stream().anyMatch(own -> path.startsWith(own))) {
                    item.error(path + " is the sandbox's own", "the sandbox has its own " + String.join(", ",
                            SANDBOX_OWN) + "; name another path");
                } else {
                    paths.add(path);
                }
            });
        }
        return Optional.of(paths);
    }

    private static Optional<LabSpec> build(String name, Section s) {
        var arch = s.required("arch", n -> n.string().flatMap(word -> {
            var known = KernelArch.of(word.trim());
            if (known.isEmpty()) {
                n.error("labgate does not build for '" + word + "'", PolicyNode.closest(word, KernelArch.words())
                        .map(w -> "did you mean '" + w + "'?").orElse("one of " + String.join(", ",
                                KernelArch.words())));
            }
            return known;
        }), "arch: x86_64");
        var defconfig = s.optional("defconfig", n -> n.string().flatMap(text -> {
            if (!CONFIG_TARGET.matcher(text).matches()) {
                n.error("'" + text + "' is not a configuration target", "write it like defconfig or "
                        + "multi_v7_defconfig");
                return Optional.empty();
            }
            return Optional.of(text);
        })).orElse("defconfig");
        var fragments = s.optional("fragments", LabParser::fragments).orElse(List.of());
        var toolchain = s.optional("toolchain", n -> n.string().flatMap(text -> {
            if (!TOOLCHAIN.matcher(text).matches()) {
                n.error("unknown toolchain '" + text + "'", "gcc or clang, optionally with a version: gcc-12, clang-17");
                return Optional.empty();
            }
            return Optional.of(text);
        })).orElse("gcc");
        var cross = s.optional("cross-compile", n -> n.string().flatMap(text -> {
            if (!CROSS_COMPILE.matcher(text).matches()) {
                n.error("'" + text + "' is not a CROSS_COMPILE prefix", "write it like aarch64-linux-gnu-");
                return Optional.empty();
            }
            return Optional.of(text);
        }));
        var timeout = s.optional("timeout", PolicyNode::duration).orElse(DEFAULT_BUILD_TIMEOUT);
        var confinement = confinement(s);
        return arch.flatMap(a -> confinement.map(k -> new LabSpec.Build(name, a, defconfig, fragments, toolchain, cross,
                timeout, k)));
    }

    /** Configuration fragments: files in the tree, or single options written out. */
    private static Optional<List<String>> fragments(PolicyNode node) {
        var fragments = new ArrayList<String>();
        for (var item : node.isScalar() ? List.of(node) : node.items()) {
            item.string().ifPresent(text -> {
                var fragment = text.trim();
                var option = fragment.startsWith("CONFIG_") || fragment.startsWith("#");
                if (option ? !CONFIG_OPTION.matcher(fragment).matches()
                        : !TREE_PATH.matcher(fragment).matches() || fragment.contains("..")) {
                    item.error("'" + text + "' is neither a configuration option nor a file in the tree",
                            "write an option like CONFIG_KUNIT=y or '# CONFIG_DEBUG_INFO is not set', or a path "
                                    + "in the tree like kernel/configs/kvm_guest.config");
                    return;
                }
                fragments.add(fragment);
            });
        }
        return Optional.of(fragments);
    }

    private static Optional<LabSpec> kernelCi(String name, Section s) {
        var pipeline = s.required("pipeline-url", PolicyNode::url, "pipeline-url: https://kernelci-pipeline.example.org");
        var api = s.required("api-url", PolicyNode::url, "api-url: https://kernelci-api.example.org");
        var token = s.required("token-env", PolicyNode::envName, "token-env: LABGATE_KERNELCI_TOKEN");
        var tree = s.required("tree-url", PolicyNode::gitUrl, "tree-url: https://git.example.org/linux.git");
        var push = s.optional("push-url", PolicyNode::gitUrl);
        var pushToken = s.optional("push-token-env", PolicyNode::envName);
        var branch = s.required("branch", PolicyNode::string, "branch: labgate");
        var jobs = s.optional("jobfilter", LabParser::filter).orElse(List.of());
        var platforms = s.optional("platformfilter", LabParser::filter).orElse(List.of());
        var poll = s.optional("poll-interval", PolicyNode::duration).orElse(Duration.ofMinutes(1));
        var dashboard = s.optional("dashboard-url", PolicyNode::url);
        var timeout = s.optional("timeout", PolicyNode::duration).orElse(Duration.ofHours(6));
        if (pipeline.isEmpty() || api.isEmpty() || token.isEmpty() || tree.isEmpty() || branch.isEmpty()) {
            return Optional.empty();
        }
        URI pushUrl = push.orElse(tree.get());
        return Optional.of(new LabSpec.KernelCi(name, pipeline.get(), api.get(), token.get(), tree.get(), pushUrl,
                pushToken, branch.get(), jobs, platforms, poll, dashboard, timeout));
    }

    private Optional<LabSpec> lava(String name, Section s) {
        var url = s.required("url", PolicyNode::url, "url: https://lava.example.org");
        var token = s.required("token-env", PolicyNode::envName, "token-env: LABGATE_LAVA_TOKEN");
        var template = s.required("template", n -> n.existingFile(directory), "template: lava/boot-test.yaml");
        var variables = new LinkedHashMap<String, String>();
        s.optional("variables", n -> Optional.of(n.entries())).ifPresent(m -> m.forEach((k, v) -> v.string()
                .ifPresent(value -> variables.put(k, value))));
        var artifacts = s.optional("artifacts-url", PolicyNode::url);
        var deviceTree = s.optional("device-tree", n -> n.string().flatMap(text -> {
            if (!TREE_PATH.matcher(text).matches() || text.contains("..") || !text.endsWith(".dtb")) {
                n.error("'" + text + "' is not a device tree file", "write it as the build publishes it under dtbs/, "
                        + "like broadcom/bcm2711-rpi-4-b.dtb");
                return Optional.empty();
            }
            return Optional.of(text);
        }));
        var poll = s.optional("poll-interval", PolicyNode::duration).orElse(Duration.ofSeconds(30));
        var timeout = s.optional("timeout", PolicyNode::duration).orElse(Duration.ofHours(3));
        if (url.isEmpty() || token.isEmpty() || template.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new LabSpec.Lava(name, url.get(), token.get(), template.get(), variables, artifacts,
                deviceTree, poll, timeout));
    }

    private static Optional<List<String>> filter(PolicyNode node) {
        var values = node.strings();
        if (values.size() > MAX_FILTERS) {
            node.error(values.size() + " entries; KernelCI takes at most " + MAX_FILTERS,
                    "split the tests over two labs, or pick the " + MAX_FILTERS + " that matter");
            return Optional.empty();
        }
        return Optional.of(values);
    }

    /** One lab's entries, reporting missing required settings at the lab's position. */
    private record Section(PolicyNode lab, Map<String, PolicyNode> entries) {

        interface Reader<T> {
            Optional<T> read(PolicyNode node);
        }

        <T> Optional<T> required(String key, Reader<T> reader, String example) {
            var node = entries.get(key);
            if (node == null) {
                lab.error("missing '" + key + "'", example);
                return Optional.empty();
            }
            return reader.read(node);
        }

        <T> Optional<T> optional(String key, Reader<T> reader) {
            var node = entries.get(key);
            return node == null ? Optional.empty() : reader.read(node);
        }
    }
}
