package dev.labgate.config;

import dev.labgate.core.Sha256;
import dev.labgate.core.forge.Permission;
import dev.labgate.core.review.Finding;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

import java.io.StringReader;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads a policy file, reporting every problem with its line and column and a suggestion, and
 * reads the per-repository extension a repository keeps on its default branch.
 */
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

    private static final Set<String> TOP = Set.of("repositories", "trust", "labs", "plans", "quotas", "reporting",
            "known-issues", "artifacts", "kcidb");
    private static final Set<String> KCIDB = Set.of("dashboard", "known-issues", "submit");
    private static final Set<String> KCIDB_DASHBOARD = Set.of("url", "origin", "tree-url", "branch");
    private static final Set<String> KCIDB_SUBMIT = Set.of("url", "token-env", "origin");
    private static final Set<String> FORGES = Set.of("github", "gitlab");
    private static final Set<String> REPOSITORY = Set.of("github", "gitlab", "staging-branches", "extension");
    private static final Set<String> TRUST = Set.of("min-permission", "users", "teams", "maintainers", "signatures");
    private static final Set<String> MAINTAINERS = Set.of("min-permission", "users", "teams", "maintainers-file",
            "emails");
    private static final Set<String> SIGNATURES = Set.of("required", "openpgp-keyring", "ssh-allowed-signers",
            "forge-keys");
    private static final Set<String> PLAN = Set.of("name", "lab", "tests", "paths", "after");
    private static final Set<String> ARTIFACTS = Set.of("retention", "max-size", "directory", "url", "s3");
    private static final Set<String> BUCKET = Set.of("endpoint", "bucket", "region", "prefix", "url",
            "access-key-id-env", "secret-access-key-env");
    /** The S3 naming rules of general purpose buckets (Amazon S3 User Guide, "Bucket naming rules"). */
    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern KEY_PREFIX = Pattern.compile("([A-Za-z0-9_-][A-Za-z0-9._-]*/)*([A-Za-z0-9_-][A-Za-z0-9._-]*)?");
    private static final Pattern REGION = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final Set<String> QUOTAS = Set.of("runs-per-author-per-day", "concurrent-runs-per-lab",
            "retests-per-head");
    private static final Set<String> REPORTING = Set.of("statuses", "summary-comment", "review");
    private static final Set<String> REVIEW = Set.of("enabled", "max-comments", "request-changes");
    private static final Set<String> KNOWN_ISSUE = Set.of("id", "test-path", "log", "description");
    /** What a repository's own extension may say: whom it trusts more, and which tests it wants. */
    private static final Set<String> EXTENSION = Set.of("staging-branches", "trust", "plans");
    private static final Set<String> EXTENSION_TRUST = Set.of("users", "teams", "maintainers");
    private static final Set<String> EXTENSION_MAINTAINERS = Set.of("users", "teams", "maintainers-file", "emails");

    /** Permission words of both forges: GitHub's roles and GitLab's access levels. */
    private static final Map<String, Permission.Level> LEVELS = Map.ofEntries(
            Map.entry("read", Permission.Level.READ), Map.entry("triage", Permission.Level.TRIAGE),
            Map.entry("write", Permission.Level.WRITE), Map.entry("maintain", Permission.Level.MAINTAIN),
            Map.entry("admin", Permission.Level.ADMIN), Map.entry("guest", Permission.Level.READ),
            Map.entry("reporter", Permission.Level.READ), Map.entry("developer", Permission.Level.WRITE),
            Map.entry("maintainer", Permission.Level.MAINTAIN), Map.entry("owner", Permission.Level.ADMIN));

    /** Parses a policy whose relative paths (keyrings, templates) are relative to the working directory. */
    public Result parse(String text) {
        return parse(text, Path.of(""));
    }

    /** Parses a policy whose relative paths are relative to {@code directory} (the policy file's own). */
    public Result parse(String text, Path directory) {
        var errors = new ArrayList<PolicyError>();
        var root = compose(text, errors);
        if (root.isEmpty()) {
            return new Result(Optional.empty(), errors);
        }
        SecretScan.scan(root.get(), errors);
        var top = new PolicyNode(root.get(), "", errors).entries(TOP);
        var repositories = section(top, "repositories").map(PolicyParser::repositories).orElse(List.of());
        var trust = section(top, "trust").map(n -> trust(n, directory)).orElse(TrustSettings.DEFAULT);
        var labs = section(top, "labs").map(n -> new LabParser(directory).parse(n))
                .orElse(new LabParser.Labs(Map.of(), Map.of(), Set.of(), Map.of(), List.of()));
        var afterNodes = new IdentityHashMap<PlanRule, PolicyNode>();
        var plans = section(top, "plans").map(n -> plans(n, labs.specs().keySet(), labs.defined(), afterNodes))
                .orElse(List.of());
        checkStages(plans, afterNodes);
        var quotas = section(top, "quotas").map(PolicyParser::quotas).orElse(Quotas.NONE);
        var reporting = section(top, "reporting").map(PolicyParser::reporting).orElse(Reporting.DEFAULT);
        var knownIssues = section(top, "known-issues").map(PolicyParser::knownIssues).orElse(List.of());
        var artifacts = section(top, "artifacts").map(n -> artifacts(n, directory)).orElse(ArtifactSettings.DEFAULT);
        var kcidb = section(top, "kcidb").map(PolicyParser::kcidb).orElse(KcidbSettings.OFF);
        if (kcidb.dashboard().isEmpty()) {
            labs.kcidbBaselines().forEach(node -> node.error("baseline: kcidb needs a KCIDB dashboard to read the "
                    + "base's results from", "add kcidb: {dashboard: {url, origin, tree-url, branch}}, or use "
                    + "baseline: test-base"));
        }
        if (!errors.isEmpty()) {
            return new Result(Optional.empty(), sorted(errors));
        }
        return new Result(Optional.of(new Policy(Sha256.hex(text, 6), repositories, trust, labs.specs(),
                labs.access(), plans, quotas, reporting, knownIssues, artifacts, labs.baselines(),
                kcidb)), errors);
    }

    /**
     * Applies a repository's extension (read from its default branch) to the operator's policy: it
     * may add staging branches, trusted users and teams, maintainers, and plans on the operator's
     * labs. It can never loosen what the operator set (permission levels, signatures, labs, quotas).
     */
    public Result extend(Policy base, RepositoryRule repository, String text) {
        var errors = new ArrayList<PolicyError>();
        var root = compose(text, errors);
        if (root.isEmpty()) {
            return new Result(Optional.empty(), errors);
        }
        SecretScan.scan(root.get(), errors);
        var top = new PolicyNode(root.get(), "", errors).entries(EXTENSION);
        var staging = new ArrayList<>(repository.stagingBranches());
        section(top, "staging-branches").ifPresent(n -> staging.addAll(n.strings()));
        var trust = base.trust();
        var extraTrust = section(top, "trust").map(n -> n.entries(EXTENSION_TRUST)).orElse(Map.of());
        var users = concat(trust.users(), strings(extraTrust.get("users")));
        var teams = concat(trust.teams(), strings(extraTrust.get("teams")));
        var m = trust.maintainers();
        var extraMaintainers = Optional.ofNullable(extraTrust.get("maintainers"))
                .map(n -> n.entries(EXTENSION_MAINTAINERS)).orElse(Map.of());
        var emails = new LinkedHashMap<>(m.emails());
        emails.putAll(emails(extraMaintainers.get("emails")));
        var maintainers = new TrustSettings.Maintainers(m.minPermission(),
                concat(m.users(), strings(extraMaintainers.get("users"))),
                concat(m.teams(), strings(extraMaintainers.get("teams"))),
                Optional.ofNullable(extraMaintainers.get("maintainers-file")).flatMap(PolicyNode::string)
                        .or(m::maintainersFile), emails);
        var plans = new ArrayList<>(base.plans());
        var afterNodes = new IdentityHashMap<PlanRule, PolicyNode>();
        section(top, "plans").ifPresent(n -> plans.addAll(plans(n, base.labs().keySet(), base.labs().keySet(),
                afterNodes)));
        checkStages(plans, afterNodes);
        if (!errors.isEmpty()) {
            return new Result(Optional.empty(), sorted(errors));
        }
        var repositories = base.repositories().stream().map(r -> r.equals(repository)
                ? new RepositoryRule(r.forge(), r.name(), staging.stream().distinct().toList(), r.extension()) : r)
                .toList();
        return new Result(Optional.of(new Policy(Sha256.hex(base.version() + "\n" + text, 6), repositories,
                new TrustSettings(trust.minPermission(), users, teams, maintainers, trust.signatures()),
                base.labs(), base.access(), plans, base.quotas(), base.reporting(), base.knownIssues(),
                base.artifacts(), base.baselines(), base.kcidb())), errors);
    }

    private static Optional<Node> compose(String text, List<PolicyError> errors) {
        Node root;
        try {
            var options = new LoaderOptions();
            options.setAllowDuplicateKeys(true);
            options.setMaxAliasesForCollections(10);
            root = new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            var lines = Math.max(1, text.lines().count());
            var mark = e.getProblemMark();
            // A quote or bracket left open is found only at the end of the file, past its last line:
            // point at where it was opened (the context), which is the line to fix.
            var context = e.getContextMark();
            var at = mark.getLine() >= lines && context != null ? context : mark;
            var line = (int) Math.min(at.getLine() + 1, lines);
            var problem = at == context ? e.getContext() + ", never closed: " + e.getProblem() : e.getProblem();
            errors.add(new PolicyError(line, at == mark && mark.getLine() >= lines ? 1 : at.getColumn() + 1, "",
                    "not valid YAML: " + problem, "check the indentation and quoting on this line"));
            return Optional.empty();
        } catch (YAMLException e) {
            errors.add(new PolicyError(1, 1, "", "not valid YAML: " + e.getMessage(), ""));
            return Optional.empty();
        }
        if (root == null) {
            errors.add(new PolicyError(1, 1, "", "the file is empty",
                    "start from the shipped example, policy/example.yml"));
            return Optional.empty();
        }
        return Optional.of(root);
    }

    private static Optional<PolicyNode> section(Map<String, PolicyNode> entries, String key) {
        return Optional.ofNullable(entries.get(key));
    }

    private static List<RepositoryRule> repositories(PolicyNode node) {
        var rules = new ArrayList<RepositoryRule>();
        var seen = new HashSet<String>();
        for (var item : node.items()) {
            var entries = item.entries(REPOSITORY);
            var forges = entries.keySet().stream().filter(FORGES::contains).toList();
            if (forges.size() != 1) {
                item.error("name exactly one forge and the repository on it",
                        "write '- github: owner/name' or '- gitlab: group/project'");
                continue;
            }
            var forge = forges.get(0);
            var nameNode = entries.get(forge);
            var staging = section(entries, "staging-branches").map(PolicyNode::strings).orElse(List.<String>of());
            var extension = section(entries, "extension").flatMap(PolicyNode::string);
            extension.filter(p -> p.startsWith("/") || p.contains("..")).ifPresent(p -> entries.get("extension")
                    .error("'" + p + "' is not a path inside the repository", "write it like .labgate.yml"));
            nameNode.string().ifPresent(n -> {
                if (!n.matches("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+")) {
                    nameNode.error("'" + n + "' is not a repository path", "write it as owner/name");
                } else if (!seen.add(forge + ":" + n.toLowerCase(Locale.ROOT))) {
                    nameNode.error("repository " + n + " is listed twice", "keep one entry");
                }
                rules.add(new RepositoryRule(forge, n, staging, extension));
            });
        }
        return rules;
    }

    private static TrustSettings trust(PolicyNode node, Path directory) {
        var entries = node.entries(TRUST);
        var level = section(entries, "min-permission").flatMap(PolicyParser::level)
                .orElse(TrustSettings.DEFAULT.minPermission());
        var maintainers = section(entries, "maintainers").map(PolicyParser::maintainers)
                .orElse(TrustSettings.Maintainers.DEFAULT);
        var signatures = section(entries, "signatures").map(n -> signatures(n, directory))
                .orElse(TrustSettings.Signatures.DEFAULT);
        return new TrustSettings(level, strings(entries.get("users")), strings(entries.get("teams")), maintainers,
                signatures);
    }

    private static TrustSettings.Maintainers maintainers(PolicyNode node) {
        var entries = node.entries(MAINTAINERS);
        var level = section(entries, "min-permission").flatMap(PolicyParser::level)
                .orElse(TrustSettings.Maintainers.DEFAULT.minPermission());
        var file = section(entries, "maintainers-file").flatMap(PolicyNode::string);
        return new TrustSettings.Maintainers(level, strings(entries.get("users")), strings(entries.get("teams")),
                file, emails(entries.get("emails")));
    }

    private static TrustSettings.Signatures signatures(PolicyNode node, Path directory) {
        var entries = node.entries(SIGNATURES);
        var required = section(entries, "required").flatMap(PolicyNode::bool).orElse(false);
        var openPgp = section(entries, "openpgp-keyring").flatMap(n -> n.existingFile(directory));
        var ssh = section(entries, "ssh-allowed-signers").flatMap(n -> n.existingFile(directory));
        var forgeKeys = section(entries, "forge-keys").flatMap(PolicyNode::bool).orElse(false);
        if (required && !entries.containsKey("openpgp-keyring") && !entries.containsKey("ssh-allowed-signers")
                && !forgeKeys) {
            node.error("signatures are required but no key is trusted",
                    "name an openpgp-keyring or ssh-allowed-signers file, or set forge-keys: true");
        }
        return new TrustSettings.Signatures(required, openPgp, ssh, forgeKeys);
    }

    private static Map<String, List<String>> emails(PolicyNode node) {
        if (node == null) {
            return Map.of();
        }
        var emails = new LinkedHashMap<String, List<String>>();
        node.entries().forEach((login, addresses) -> {
            var list = addresses.strings();
            list.stream().filter(a -> !a.matches("[^@\\s<>]+@[^@\\s<>]+")).findFirst().ifPresent(bad ->
                    addresses.error("'" + bad + "' is not an e-mail address", "write it like alice@kernel.org"));
            emails.put(login, list.stream().map(a -> a.toLowerCase(Locale.ROOT)).toList());
        });
        return emails;
    }

    private static Optional<Permission.Level> level(PolicyNode node) {
        return node.string().flatMap(text -> {
            var level = LEVELS.get(text.trim().toLowerCase(Locale.ROOT));
            if (level == null) {
                node.error("unknown permission level '" + text + "'", PolicyNode.closest(text, LEVELS.keySet())
                        .map(s -> "did you mean '" + s + "'?")
                        .orElse("GitHub: read, triage, write, maintain, admin; GitLab: guest, reporter, developer, "
                                + "maintainer, owner"));
            }
            return Optional.ofNullable(level);
        });
    }

    /**
     * @param labs the labs that can be used
     * @param defined every lab named under {@code labs:}; a plan on one with errors of its own is left out silently
     * @param afterNodes where each rule with an {@code after} wrote it, filled in here, for the
     *                   errors {@link #checkStages} finds
     */
    private static List<PlanRule> plans(PolicyNode node, Set<String> labs, Set<String> defined,
                                        Map<PlanRule, PolicyNode> afterNodes) {
        var rules = new ArrayList<PlanRule>();
        for (var item : node.items()) {
            var entries = item.entries(PLAN);
            var labNode = entries.get("lab");
            if (labNode == null) {
                if (!item.isScalar()) {
                    item.error("a plan needs a lab", "lab: <one of " + String.join(", ", labs) + ">");
                }
                continue;
            }
            var paths = new ArrayList<String>();
            section(entries, "paths").ifPresent(p -> {
                var items = p.isScalar() ? List.of(p) : p.items();
                for (var glob : items) {
                    glob.string().ifPresent(g -> PathGlob.problem(g).ifPresentOrElse(
                            problem -> glob.error("the glob '" + g + "' matches nothing plausible: "
                                    + problem.message(), problem.suggestion()),
                            () -> paths.add(g)));
                }
            });
            var lab = labNode.string();
            if (lab.isEmpty()) {
                continue;
            }
            if (!labs.contains(lab.get())) {
                if (!defined.contains(lab.get())) {
                    labNode.error("unknown lab '" + lab.get() + "'", PolicyNode.closest(lab.get(), defined)
                            .map(s -> "did you mean '" + s + "'?")
                            .orElse(defined.isEmpty() ? "define it under labs:" : "labs defined: "
                                    + String.join(", ", defined)));
                }
                continue;
            }
            var afterNode = entries.get("after");
            var after = Optional.ofNullable(afterNode).flatMap(PolicyNode::string).map(String::trim);
            if (after.isPresent() && !labs.contains(after.get())) {
                if (!defined.contains(after.get())) {
                    afterNode.error("unknown lab '" + after.get() + "'", PolicyNode.closest(after.get(), defined)
                            .map(s -> "did you mean '" + s + "'?").orElse("labs defined: " + String.join(", ",
                                    defined)));
                }
                continue;
            }
            var name = section(entries, "name").flatMap(PolicyNode::string).orElse(lab.get());
            var rule = new PlanRule(name, lab.get(), strings(entries.get("tests")), paths, after);
            if (after.isPresent()) {
                afterNodes.put(rule, afterNode);
            }
            rules.add(rule);
        }
        return rules;
    }

    /**
     * The stages the plans form must make a small graph labgate can follow: a lab runs after a lab
     * that some plan plans (its run is the one that must pass), after one lab only, and never,
     * through others, after itself.
     */
    private static void checkStages(List<PlanRule> rules, Map<PlanRule, PolicyNode> afterNodes) {
        var planned = rules.stream().map(PlanRule::lab).collect(Collectors.toSet());
        var after = new LinkedHashMap<String, String>();
        var where = new HashMap<String, PolicyNode>();
        for (var rule : rules) {
            if (rule.after().isEmpty()) {
                continue;
            }
            var node = afterNodes.get(rule);
            var dependency = rule.after().get();
            if (!planned.contains(dependency)) {
                report(node, "lab " + rule.lab() + " runs after " + dependency + ", which no plan plans",
                        "add a plan for it, e.g. - {name: " + dependency + ", lab: " + dependency + "}");
                continue;
            }
            var earlier = after.putIfAbsent(rule.lab(), dependency);
            if (earlier != null && !earlier.equals(dependency)) {
                report(node, "lab " + rule.lab() + " already runs after " + earlier + " in another plan",
                        "a lab runs after one lab: name the same one in every plan of " + rule.lab());
                continue;
            }
            if (node != null) {
                where.putIfAbsent(rule.lab(), node);
            }
        }
        var reported = new HashSet<String>();
        for (var start : after.keySet()) {
            var chain = new ArrayList<String>();
            var lab = start;
            while (lab != null && !chain.contains(lab)) {
                chain.add(lab);
                lab = after.get(lab);
            }
            if (!start.equals(lab) || !reported.add(String.join(",", new TreeSet<>(chain)))) {
                continue;
            }
            var steps = new ArrayList<String>();
            for (var each : chain) {
                steps.add(each.equals(after.get(each)) ? each + " runs after itself"
                        : each + " runs after " + after.get(each));
            }
            report(chain.stream().map(where::get).filter(Objects::nonNull).findFirst().orElse(null),
                    "the plans' stages form a cycle: " + String.join(", ", steps),
                    "a lab can only run after an earlier stage; remove one of these 'after'");
        }
    }

    /** An error at {@code node}; none when the node is not in the file being read (the operator's part of an extension). */
    private static void report(PolicyNode node, String message, String suggestion) {
        if (node != null) {
            node.error(message, suggestion);
        }
    }

    private static ArtifactSettings artifacts(PolicyNode node, Path directory) {
        var entries = node.entries(ARTIFACTS);
        var retention = section(entries, "retention").flatMap(PolicyNode::duration)
                .orElse(ArtifactSettings.DEFAULT.retention());
        var maxSize = section(entries, "max-size").flatMap(PolicyNode::size).orElse(ArtifactSettings.DEFAULT
                .maxFileBytes());
        var dir = section(entries, "directory").flatMap(PolicyNode::string)
                .map(text -> directory.resolve(text.trim()).toAbsolutePath().normalize());
        var url = section(entries, "url").flatMap(PolicyNode::url);
        if (entries.containsKey("directory") != entries.containsKey("url")) {
            node.error(entries.containsKey("directory") ? "a directory to publish artifacts in needs the URL it is "
                            + "served at" : "an artifacts URL needs the directory that is served there",
                    "name both: directory: /srv/www/labgate and url: https://files.example.org/labgate");
        }
        if (maxSize <= 0) {
            entries.get("max-size").error("the largest artifact must be larger than 0 bytes", "write it like 1G");
        }
        var bucket = section(entries, "s3").flatMap(PolicyParser::bucket);
        if (entries.containsKey("s3") && entries.containsKey("directory")) {
            entries.get("s3").error("artifacts go to a published directory or to an S3 bucket, not both",
                    "keep either directory and url, or s3");
        }
        if (bucket.isPresent() && maxSize > ArtifactSettings.Bucket.MAX_OBJECT_BYTES) {
            (entries.containsKey("max-size") ? entries.get("max-size") : entries.get("s3")).error("an S3 bucket "
                    + "takes at most 5 GiB in one upload, and labgate does not upload in parts",
                    "set max-size: 5G or less");
        }
        var published = dir.isPresent() && url.isPresent()
                ? Optional.of(new ArtifactSettings.Published(dir.get(), url.get())) : Optional.<ArtifactSettings.Published>empty();
        return new ArtifactSettings(retention, maxSize, published, bucket);
    }

    /** {@code artifacts.s3}: an S3-compatible bucket, addressed path-style; credentials only by environment variable. */
    private static Optional<ArtifactSettings.Bucket> bucket(PolicyNode node) {
        var entries = node.entries(BUCKET);
        var endpoint = section(entries, "endpoint").flatMap(PolicyNode::url);
        if (!entries.containsKey("endpoint")) {
            node.error("an S3 bucket needs the endpoint of its API", "add endpoint: https://s3.eu-west-1.amazonaws.com "
                    + "(or your MinIO, Ceph or Garage URL)");
        }
        endpoint.filter(e -> e.getRawPath() != null && !e.getRawPath().isEmpty() && !e.getRawPath().equals("/")
                || e.getRawQuery() != null).ifPresent(e -> entries.get("endpoint").error("an S3 endpoint is a host "
                + "with no path: labgate addresses the bucket as <endpoint>/<bucket>/<key>", "write it like "
                + "https://minio.example.org:9000"));
        var name = section(entries, "bucket").flatMap(PolicyNode::string).map(String::strip);
        if (!entries.containsKey("bucket")) {
            node.error("an S3 bucket needs its name", "add bucket: labgate-artifacts");
        }
        name.filter(n -> !BUCKET_NAME.matcher(n).matches() || n.contains("..")).ifPresent(n -> entries.get("bucket")
                .error("'" + n + "' is not an S3 bucket name", "3 to 63 lowercase letters, digits, dots and hyphens, "
                        + "beginning and ending with a letter or digit"));
        var region = section(entries, "region").flatMap(PolicyNode::string).map(String::strip)
                .orElse(ArtifactSettings.Bucket.DEFAULT_REGION);
        if (!REGION.matcher(region).matches()) {
            entries.get("region").error("'" + region + "' is not a region", "write it like eu-west-1 (MinIO: "
                    + "us-east-1 unless set otherwise; Garage: garage)");
        }
        var prefix = section(entries, "prefix").flatMap(PolicyNode::string).map(String::strip).orElse("");
        if (!KEY_PREFIX.matcher(prefix).matches() || prefix.startsWith("/")) {
            entries.get("prefix").error("'" + prefix + "' is not a key prefix labgate writes under",
                    "plain names of letters, digits, '.', '_' and '-' separated by '/', like labgate/artifacts/");
        }
        var url = section(entries, "url").flatMap(PolicyNode::url);
        var accessKeyEnv = section(entries, "access-key-id-env").flatMap(PolicyNode::envName)
                .orElse(ArtifactSettings.Bucket.DEFAULT_ACCESS_KEY_ENV);
        var secretKeyEnv = section(entries, "secret-access-key-env").flatMap(PolicyNode::envName)
                .orElse(ArtifactSettings.Bucket.DEFAULT_SECRET_KEY_ENV);
        if (endpoint.isEmpty() || name.isEmpty()) {
            return Optional.empty();
        }
        var base = endpoint.get().toString().replaceAll("/+$", "");
        var normalized = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
        return Optional.of(new ArtifactSettings.Bucket(URI.create(base), name.get(), region, normalized,
                url.map(u -> URI.create(u.toString().replaceAll("/+$", ""))).orElse(URI.create(base + "/" + name.get())),
                accessKeyEnv, secretKeyEnv));
    }

    private static Quotas quotas(PolicyNode node) {
        var entries = node.entries(QUOTAS);
        return new Quotas(section(entries, "runs-per-author-per-day").flatMap(n -> n.integer(1, 100_000)),
                section(entries, "concurrent-runs-per-lab").flatMap(n -> n.integer(1, 10_000)),
                section(entries, "retests-per-head").flatMap(n -> n.integer(0, 100))
                        .orElse(Quotas.DEFAULT_RETESTS_PER_HEAD));
    }

    private static Reporting reporting(PolicyNode node) {
        var entries = node.entries(REPORTING);
        return new Reporting(section(entries, "statuses").flatMap(PolicyNode::bool).orElse(true),
                section(entries, "summary-comment").flatMap(PolicyNode::bool).orElse(true),
                section(entries, "review").map(PolicyParser::review).orElse(Reporting.Review.DEFAULT));
    }

    private static Reporting.Review review(PolicyNode node) {
        var entries = node.entries(REVIEW);
        var defaults = Reporting.Review.DEFAULT;
        var requestChanges = section(entries, "request-changes").flatMap(n -> n.string().flatMap(word -> {
            var severity = switch (word.toLowerCase(Locale.ROOT)) {
                case "never" -> Optional.<Optional<Finding.Severity>>of(Optional.empty());
                case "error", "errors" -> Optional.of(Optional.of(Finding.Severity.ERROR));
                case "warning", "warnings" -> Optional.of(Optional.of(Finding.Severity.WARNING));
                default -> Optional.<Optional<Finding.Severity>>empty();
            };
            if (severity.isEmpty()) {
                n.error("unknown severity '" + word + "'", "write never, error or warning");
            }
            return severity;
        })).orElse(defaults.requestChangesAt());
        return new Reporting.Review(section(entries, "enabled").flatMap(PolicyNode::bool).orElse(defaults.enabled()),
                section(entries, "max-comments").flatMap(n -> n.integer(0, 100)).orElse(defaults.maxComments()),
                requestChanges);
    }

    private static KcidbSettings kcidb(PolicyNode node) {
        var entries = node.entries(KCIDB);
        var dashboard = section(entries, "dashboard").flatMap(n -> {
            var d = n.entries(KCIDB_DASHBOARD);
            var api = required(n, d, "url", PolicyNode::url, "url: https://dashboard.kernelci.org/api/");
            var origin = Optional.ofNullable(d.get("origin")).flatMap(PolicyParser::origin).orElse("maestro");
            var tree = required(n, d, "tree-url", PolicyNode::string,
                    "tree-url: https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git");
            var branch = required(n, d, "branch", PolicyNode::string, "branch: master");
            if (api.isEmpty() || tree.isEmpty() || branch.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new KcidbSettings.Dashboard(api.get(), origin, tree.get(), branch.get()));
        });
        var known = section(entries, "known-issues").flatMap(PolicyNode::bool).orElse(false);
        if (known && !entries.containsKey("dashboard")) {
            entries.get("known-issues").error("known-issues needs a KCIDB dashboard to read triaged issues from",
                    "add dashboard: {url, origin, tree-url, branch} under kcidb");
        }
        var submit = section(entries, "submit").flatMap(n -> {
            var s = n.entries(KCIDB_SUBMIT);
            var url = required(n, s, "url", PolicyNode::url, "url: https://db.kernelci.org/");
            var token = required(n, s, "token-env", PolicyNode::envName, "token-env: LABGATE_KCIDB_TOKEN");
            var origin = required(n, s, "origin", PolicyParser::origin, "origin: the origin your token is for");
            if (url.isEmpty() || token.isEmpty() || origin.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new KcidbSettings.Submit(url.get(), token.get(), origin.get()));
        });
        return new KcidbSettings(dashboard, known, submit);
    }

    /** A KCIDB origin: lowercase letters, digits and '_' (kcidb-io schema). */
    private static Optional<String> origin(PolicyNode node) {
        return node.string().filter(text -> {
            if (!text.matches("[a-z0-9_]+")) {
                node.error("'" + text + "' is not a KCIDB origin", "lowercase letters, digits and '_', e.g. acme_ci");
                return false;
            }
            return true;
        });
    }

    private static <T> Optional<T> required(PolicyNode parent, Map<String, PolicyNode> entries, String key,
                                            Function<PolicyNode, Optional<T>> reader,
                                            String example) {
        var node = entries.get(key);
        if (node == null) {
            parent.error("missing '" + key + "'", example);
            return Optional.empty();
        }
        return reader.apply(node);
    }

    private static List<KnownIssue> knownIssues(PolicyNode node) {
        var issues = new ArrayList<KnownIssue>();
        var ids = new HashSet<String>();
        for (var item : node.items()) {
            var entries = item.entries(KNOWN_ISSUE);
            var id = section(entries, "id").flatMap(PolicyNode::string);
            var test = section(entries, "test-path").flatMap(PolicyNode::regex);
            var log = section(entries, "log").flatMap(PolicyNode::regex);
            var description = section(entries, "description").flatMap(PolicyNode::string).orElse("");
            if (!entries.containsKey("id") || !entries.containsKey("test-path")) {
                if (!item.isScalar()) {
                    item.error("a known issue needs an id and a test-path", "id: kernel-123, test-path: '^baseline\\.'");
                }
                continue;
            }
            if (id.isPresent() && !ids.add(id.get())) {
                entries.get("id").error("known issue '" + id.get() + "' is listed twice", "give each an id of its own");
            }
            if (id.isPresent() && test.isPresent()) {
                issues.add(new KnownIssue(id.get(), test.get(), log, description));
            }
        }
        return issues;
    }

    private static List<String> strings(PolicyNode node) {
        return node == null ? List.of() : node.strings();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        var all = new ArrayList<>(a);
        b.stream().filter(x -> !all.contains(x)).forEach(all::add);
        return all;
    }

    private static List<PolicyError> sorted(List<PolicyError> errors) {
        var copy = new ArrayList<>(errors);
        copy.sort((x, y) -> x.line() != y.line() ? Integer.compare(x.line(), y.line())
                : Integer.compare(x.column(), y.column()));
        return copy;
    }
}
