package dev.labgate.config;

import dev.labgate.core.Sha256;
import dev.labgate.core.forge.Permission;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.Node;

import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads a policy file, reporting every problem with its line and column. */
public final class PolicyParser {

    /** The outcome of parsing: a policy when there are no errors. */
    public record Result(Optional<Policy> policy, List<PolicyError> errors) {
        public Result {
            errors = List.copyOf(errors);
        }

        public boolean valid() {
            return errors.isEmpty();
        }
    }

    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);
    static final long DEFAULT_MAX_OUTPUT = 1024 * 1024;

    private static final Set<String> TOP = Set.of("repositories", "trust", "labs", "plans");
    private static final Set<String> FORGES = Set.of("github", "gitlab");

    public Result parse(String text) {
        var errors = new ArrayList<PolicyError>();
        Node root;
        try {
            var options = new LoaderOptions();
            options.setAllowDuplicateKeys(true);
            root = new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            var mark = e.getProblemMark();
            errors.add(new PolicyError(mark.getLine() + 1, mark.getColumn() + 1, "",
                    "not valid YAML: " + e.getProblem(), ""));
            return new Result(Optional.empty(), errors);
        }
        if (root == null) {
            errors.add(new PolicyError(1, 1, "", "the policy file is empty",
                    "start from the shipped example, policy/example.yml"));
            return new Result(Optional.empty(), errors);
        }
        var top = new PolicyNode(root, "", errors).entries(TOP);
        var repositories = top.containsKey("repositories") ? repositories(top.get("repositories")) : List.<RepositoryRule>of();
        var trust = top.containsKey("trust") ? trust(top.get("trust")) : TrustSettings.DEFAULT;
        var labs = top.containsKey("labs") ? labs(top.get("labs")) : Map.<String, LabSpec>of();
        var plans = top.containsKey("plans") ? plans(top.get("plans"), labs) : List.<PlanRule>of();
        if (!errors.isEmpty()) {
            return new Result(Optional.empty(), errors);
        }
        return new Result(Optional.of(new Policy(version(text), repositories, trust, labs, plans)), errors);
    }

    private static List<RepositoryRule> repositories(PolicyNode node) {
        var rules = new ArrayList<RepositoryRule>();
        for (var item : node.items()) {
            var entries = item.entries(Set.of("github", "gitlab", "staging-branches"));
            var forges = entries.keySet().stream().filter(FORGES::contains).toList();
            if (forges.size() != 1) {
                item.error("name exactly one forge and the repository on it",
                        "write '- github: owner/name' or '- gitlab: group/project'");
                continue;
            }
            var forge = forges.get(0);
            var name = entries.get(forge).string();
            var staging = entries.containsKey("staging-branches")
                    ? entries.get("staging-branches").strings() : List.<String>of();
            name.ifPresent(n -> {
                if (!n.contains("/")) {
                    entries.get(forge).error("'" + n + "' is not a repository path", "write it as owner/name");
                }
                rules.add(new RepositoryRule(forge, n, staging));
            });
        }
        return rules;
    }

    private static TrustSettings trust(PolicyNode node) {
        var entries = node.entries(Set.of("min-permission"));
        if (!entries.containsKey("min-permission")) {
            return TrustSettings.DEFAULT;
        }
        var level = entries.get("min-permission");
        return level.string().flatMap(text -> {
            try {
                return Optional.of(Permission.Level.valueOf(text.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                level.error("unknown permission level '" + text + "'", "one of read, triage, write, maintain, admin");
                return Optional.empty();
            }
        }).map(TrustSettings::new).orElse(TrustSettings.DEFAULT);
    }

    private static Map<String, LabSpec> labs(PolicyNode node) {
        var labs = new LinkedHashMap<String, LabSpec>();
        node.entries().forEach((name, lab) -> {
            if (!name.matches("[a-z0-9][a-z0-9_-]*")) {
                lab.error("lab name '" + name + "' may only use a-z, 0-9, '-' and '_'",
                        "it becomes the status context labgate/" + name);
            }
            var entries = lab.entries(Set.of("type", "command", "timeout", "env", "max-output"));
            var type = Optional.ofNullable(entries.get("type")).flatMap(PolicyNode::string);
            if (type.isEmpty()) {
                lab.error("a lab needs a type", "type: command");
                return;
            }
            if (!type.get().equals("command")) {
                entries.get("type").error("unknown lab type '" + type.get() + "'", "one of: command");
                return;
            }
            var command = Optional.ofNullable(entries.get("command")).flatMap(PolicyNode::string);
            if (command.isEmpty()) {
                lab.error("a command lab needs a command", "command: make -j2 defconfig all");
                return;
            }
            var timeout = Optional.ofNullable(entries.get("timeout")).flatMap(PolicyNode::duration)
                    .orElse(DEFAULT_TIMEOUT);
            var env = new LinkedHashMap<String, String>();
            if (entries.containsKey("env")) {
                entries.get("env").entries().forEach((k, v) -> v.string().ifPresent(s -> env.put(k, s)));
            }
            var maxOutput = Optional.ofNullable(entries.get("max-output")).flatMap(PolicyNode::size)
                    .orElse(DEFAULT_MAX_OUTPUT);
            labs.put(name, new LabSpec.Command(name, command.get(), timeout, env, maxOutput));
        });
        return labs;
    }

    private static List<PlanRule> plans(PolicyNode node, Map<String, LabSpec> labs) {
        var rules = new ArrayList<PlanRule>();
        for (var item : node.items()) {
            var entries = item.entries(Set.of("name", "lab", "tests"));
            var labNode = entries.get("lab");
            if (labNode == null) {
                item.error("a plan needs a lab", "lab: <one of " + String.join(", ", labs.keySet()) + ">");
                continue;
            }
            var lab = labNode.string();
            if (lab.isEmpty()) {
                continue;
            }
            if (!labs.containsKey(lab.get())) {
                labNode.error("unknown lab '" + lab.get() + "'", PolicyNode.closest(lab.get(), labs.keySet())
                        .map(s -> "did you mean '" + s + "'?")
                        .orElse("labs defined: " + String.join(", ", labs.keySet())));
                continue;
            }
            var name = Optional.ofNullable(entries.get("name")).flatMap(PolicyNode::string).orElse(lab.get());
            var tests = entries.containsKey("tests") ? entries.get("tests").strings() : List.<String>of();
            rules.add(new PlanRule(name, lab.get(), tests));
        }
        return rules;
    }

    private static String version(String text) {
        return Sha256.hex(text, 6);
    }
}
