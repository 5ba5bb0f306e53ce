package dev.labgate.config;

import dev.labgate.core.forge.Permission;
import dev.labgate.core.review.Finding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class PolicyParserTest {

    private static final String LABS = """
            labs:
              local:
                type: command
                command: make
            """;

    @TempDir
    Path dir;

    private final PolicyParser parser = new PolicyParser();

    @Test
    void the_shipped_example_is_valid() throws IOException {
        var example = Path.of("..", "policy", "example.yml");
        var result = parser.parse(Files.readString(example), example.getParent());
        assertThat(result.errors()).isEmpty();
        var policy = result.policy().orElseThrow();
        assertThat(policy.repositories()).singleElement().satisfies(r -> {
            assertThat(r.stagingBranches()).containsExactly("staging");
            assertThat(r.extension()).contains(".labgate.yml");
        });
        assertThat(policy.trust().minPermission()).isEqualTo(Permission.Level.WRITE);
        assertThat(policy.trust().maintainers().maintainersFile()).contains("MAINTAINERS");
        assertThat(policy.access("local").maxConcurrent()).contains(2);
        assertThat(policy.quotas().runsPerAuthorPerDay()).contains(50);
        assertThat(policy.knownIssues()).singleElement().satisfies(k -> {
            assertThat(k.testPath().matcher("baseline.dmesg.rtc").find()).isTrue();
            assertThat(k.log().orElseThrow().matcher("rtc_cmos 00:00: alarms up to one day").find()).isTrue();
        });
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                arguments("a misspelt top-level key is named, with the key it probably meant",
                        "repositorys: []\n", 1, 1, "unknown key 'repositorys'", "did you mean 'repositories'?"),
                arguments("a misspelt lab setting is named with its near neighbour",
                        "labs:\n  local:\n    type: command\n    comand: make\n", 4, 5, "unknown key 'comand'",
                        "did you mean 'command'?"),
                arguments("a list where one value belongs is the wrong type",
                        "trust:\n  min-permission: [write]\n", 2, 19, "expected a single value, found a list", ""),
                arguments("a mapping where a list belongs is the wrong type",
                        "repositories:\n  github: acme/linux\n", 2, 3, "expected a list, found a mapping",
                        "lines starting with '- '"),
                arguments("a word where a number belongs is the wrong type",
                        "quotas:\n  runs-per-author-per-day: many\n", 2, 28, "'many' is not a whole number", ""),
                arguments("a permission level of neither forge is refused with the nearest one",
                        "trust:\n  min-permission: writer\n", 2, 19, "unknown permission level 'writer'",
                        "did you mean 'write'?"),
                arguments("a plan on an unknown lab names the lab it probably meant",
                        LABS + "plans:\n  - lab: locl\n", 6, 10, "unknown lab 'locl'", "did you mean 'local'?"),
                arguments("a glob with a leading slash matches nothing in a change",
                        LABS + "plans:\n  - lab: local\n    paths: ['/drivers/net/**']\n", 7, 13,
                        "the glob '/drivers/net/**' matches nothing plausible", "write 'drivers/net/**'"),
                arguments("a glob under a misspelt top-level directory names the right one",
                        LABS + "plans:\n  - lab: local\n    paths:\n      - driver/net/**\n", 8, 9,
                        "no top-level 'driver'", "did you mean 'drivers/net/**'?"),
                arguments("a glob glued to '**' is not what it seems",
                        LABS + "plans:\n  - lab: local\n    paths: [drivers**]\n", 7, 13,
                        "'**' spans directories only as a whole segment", ""),
                arguments("a token written inline is a secret in the policy",
                        "labs:\n  kci:\n    type: kernelci\n    token: abc\n", 4, 5, "a secret is written in the policy",
                        "token-env: LABGATE_TOKEN"),
                arguments("a value that looks like a GitHub token is a secret in the policy",
                        "trust:\n  users: [ghp_abcdefghijklmnopqrstuvwxyz0123456789]\n", 2, 11,
                        "looks like a token or key", "environment"),
                arguments("a secret in a command lab's environment is refused with the way to pass it",
                        "labs:\n  local:\n    type: command\n    command: make\n    env:\n      KCI_TOKEN: hunter2\n",
                        6, 18, "the value of KCI_TOKEN looks like a secret", "a step that needs KCI_TOKEN belongs outside"),
                arguments("an unknown lab type names the type it probably meant",
                        "labs:\n  lab1:\n    type: kernelc\n", 3, 11, "unknown lab type 'kernelc'",
                        "did you mean 'kernelci'?"),
                arguments("a lab without a required setting says which, with an example",
                        "labs:\n  l:\n    type: lava\n    url: https://lava.example.org\n    token-env: T\n"
                                + "    artifacts-url: https://files.example.org/\n", 3, 5, "missing 'template'",
                        "template: "),
                arguments("a URL with credentials is refused",
                        "labs:\n  l:\n    type: kernelci\n    pipeline-url: https://u:p@kci.example.org\n", 4, 19,
                        "the URL carries credentials", ""),
                arguments("KernelCI takes at most eight job filters",
                        "labs:\n  l:\n    type: kernelci\n    jobfilter: [a, b, c, d, e, f, g, h, i]\n", 4, 16,
                        "9 entries; KernelCI takes at most 8", ""),
                arguments("a keyring file that does not exist is named",
                        "trust:\n  signatures:\n    openpgp-keyring: nowhere.asc\n", 3, 22, "does not exist",
                        "relative to the policy file"),
                arguments("an invalid regular expression in a known issue is shown with its position",
                        "known-issues:\n  - id: x\n    test-path: 'a(b'\n", 3, 16, "not a valid regular expression", ""),
                arguments("an unknown sandbox is refused with the two there are",
                        "labs:\n  local:\n    type: command\n    command: make\n    sandbox: docker\n", 5, 14,
                        "unknown sandbox 'docker'", "bubblewrap (the default) or none"),
                arguments("network without a sandbox means nothing and is refused",
                        "labs:\n  local:\n    type: command\n    command: make\n    sandbox: none\n"
                                + "    network: false\n", 6, 14, "'network' has no meaning with sandbox: none", ""),
                arguments("a relative read-only path is refused",
                        "labs:\n  local:\n    type: command\n    command: make\n    read-only: [opt/cc]\n", 5, 17,
                        "'opt/cc' is not an absolute path", "/opt/toolchains"),
                arguments("a read-only path over the sandbox's own /proc is refused",
                        "labs:\n  local:\n    type: command\n    command: make\n    read-only:\n      - /opt/cc\n"
                                + "      - /proc/1\n", 7, 9, "/proc/1 is the sandbox's own", ""),
                arguments("the whole host cannot be granted read-only",
                        "labs:\n  local:\n    type: command\n    command: make\n    read-only: /\n", 5, 16,
                        "the whole host cannot be made visible", ""),
                arguments("a misspelt limit is named with its near neighbour",
                        "labs:\n  local:\n    type: command\n    command: make\n    limits:\n      proceses: 64\n", 6, 7,
                        "unknown key 'proceses'", "did you mean 'processes'?"),
                arguments("a limit that is not a size says how to write one",
                        "labs:\n  local:\n    type: command\n    command: make\n    limits: {disk: lots}\n", 5, 20,
                        "'lots' is not a size", "2G"),
                arguments("a process limit too small for a shell is refused",
                        "labs:\n  local:\n    type: command\n    command: make\n    limits: {processes: 2}\n", 5, 25,
                        "2 is out of range", "a number from 8"),
                arguments("a command lab's variable must be a variable name",
                        "labs:\n  local:\n    type: command\n    command: make\n    env: {'A B': x}\n", 5, 18,
                        "'A B' is not the name of an environment variable", ""),
                arguments("a review that requests changes at a severity that does not exist says which there are",
                        "reporting:\n  review:\n    request-changes: critical\n", 3, 22,
                        "unknown severity 'critical'", "never, error or warning"),
                arguments("a bracket left open is reported on the line that opened it, not past the end",
                        "labs:\n  local: [a\n", 2, 10, "never closed", "indentation"),
                arguments("an unclosed quote is reported on its own line",
                        "repositories:\n  - github: \"acme/linux\n", 2, 13, "quoted scalar, never closed", "quoting"),
                arguments("broken YAML inside the file is reported where the parser stopped",
                        "labs:\n  local: {a: b\nplans: []\n", 3, 6, "not valid YAML", "indentation"),
                arguments("a baseline is one of three words",
                        "labs:\n  l:\n    type: command\n    command: make\n    baseline: previous\n", 5, 15,
                        "unknown baseline 'previous'", "test-base"),
                arguments("a baseline from KCIDB needs a dashboard to read it from",
                        "labs:\n  l:\n    type: command\n    command: make\n    baseline: kcidb\n", 5, 15,
                        "baseline: kcidb needs a KCIDB dashboard", "baseline: test-base"),
                arguments("KCIDB's known issues need a dashboard",
                        "kcidb:\n  known-issues: true\n", 2, 17, "known-issues needs a KCIDB dashboard", "dashboard:"),
                arguments("a KCIDB origin is what KCIDB takes",
                        "kcidb:\n  submit:\n    url: https://db.example.org/\n    token-env: KCIDB_JWT\n"
                                + "    origin: Acme-CI\n", 5, 13, "'Acme-CI' is not a KCIDB origin", "acme_ci"),
                arguments("a KCIDB token is named by its variable, never written in the file",
                        "kcidb:\n  submit:\n    url: https://db.example.org/\n    origin: acme\n", 3, 5,
                        "missing 'token-env'", "LABGATE_KCIDB_TOKEN"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void every_error_has_its_line_column_and_a_suggestion(String sentence, String yaml, int line, int column,
                                                          String message, String suggestion) {
        var result = parser.parse(yaml, dir);
        assertThat(result.policy()).isEmpty();
        assertThat(result.errors()).as(sentence).anySatisfy(e -> {
            assertThat(e.message()).contains(message);
            assertThat(e.suggestion()).contains(suggestion);
            assertThat(e.line()).isEqualTo(line);
            assertThat(e.column()).isEqualTo(column);
        });
        assertThat(result.errors()).allSatisfy(e -> assertThat(e.line()).isPositive());
    }

    @Test
    void a_plan_on_a_lab_whose_definition_has_errors_reports_the_lab_s_errors_only() {
        var result = parser.parse("""
                labs:
                  board:
                    type: lava
                    url: not a url
                plans:
                  - lab: board
                """, dir);
        assertThat(result.errors()).isNotEmpty().allSatisfy(e -> {
            assertThat(e.path()).startsWith("labs.board");
            assertThat(e.message()).doesNotContain("unknown lab");
        });
    }

    @Test
    void every_error_of_a_file_is_reported_in_one_pass_in_file_order() {
        var result = parser.parse("""
                trust:
                  min-permission: root
                labs:
                  local:
                    type: command
                plans:
                  - lab: remote
                """, dir);
        assertThat(result.errors()).extracting(PolicyError::line).containsExactly(2, 5, 7);
    }

    @Test
    void kernelci_and_lava_labs_carry_exactly_their_settings() throws IOException {
        Files.createDirectories(dir.resolve("lava"));
        Files.writeString(dir.resolve("lava/boot.yaml"), "job_name: boot\n");
        var result = parser.parse("""
                labs:
                  kci:
                    type: kernelci
                    pipeline-url: https://pipeline.example.org
                    api-url: https://api.example.org
                    token-env: KCI_JWT
                    tree-url: https://git.example.org/linux.git
                    branch: labgate
                    jobfilter: [baseline-x86]
                    platformfilter: [qemu-x86, qemu-arm64]
                    poll-interval: 2m
                    timeout: 5h
                    tier: maintainers
                    max-concurrent: 3
                    retries: 1
                  board-farm:
                    type: lava
                    url: https://lava.example.org
                    token-env: LAVA_TOKEN
                    template: lava/boot.yaml
                    variables: {device_type: bbb}
                    artifacts-url: https://files.example.org/labgate/
                """, dir);
        assertThat(result.errors()).isEmpty();
        var policy = result.policy().orElseThrow();
        assertThat(policy.labs().get("kci")).isEqualTo(new LabSpec.KernelCi("kci",
                URI.create("https://pipeline.example.org"), URI.create("https://api.example.org"), "KCI_JWT",
                URI.create("https://git.example.org/linux.git"), URI.create("https://git.example.org/linux.git"),
                Optional.empty(), "labgate", List.of("baseline-x86"), List.of("qemu-x86", "qemu-arm64"),
                Duration.ofMinutes(2), Optional.empty(), Duration.ofHours(5)));
        assertThat(policy.access("kci")).isEqualTo(new LabAccess(LabAccess.Tier.MAINTAINERS, Optional.of(3), 1));
        assertThat(policy.labs().get("board-farm")).isEqualTo(new LabSpec.Lava("board-farm",
                URI.create("https://lava.example.org"), "LAVA_TOKEN", dir.resolve("lava/boot.yaml"),
                Map.of("device_type", "bbb"), Optional.of(URI.create("https://files.example.org/labgate/")),
                Optional.empty(), Duration.ofSeconds(30), Duration.ofHours(3)));
        assertThat(policy.access("board-farm")).isEqualTo(LabAccess.DEFAULT);
    }

    @Test
    void a_command_lab_is_sandboxed_without_network_and_limited_unless_its_operator_says_otherwise() {
        var policy = parser.parse("""
                labs:
                  plain:
                    type: command
                    command: make
                  built:
                    type: command
                    command: make -j8
                    network: true
                    read-only: [/opt/toolchains, /srv/ccache]
                    limits: {cpu: 2h, memory: 8G, processes: 4096, output: 256M, disk: 40G}
                  trusted-tool:
                    type: command
                    command: ./tools/run
                    sandbox: none
                """, dir).policy().orElseThrow();

        assertThat(((LabSpec.Command) policy.labs().get("plain")).confinement()).isEqualTo(new LabSpec.Confinement(
                true, false, List.of(), Optional.empty(), Optional.empty(), 1024, 64L << 20, 20L << 30));
        assertThat(((LabSpec.Command) policy.labs().get("built")).confinement()).isEqualTo(new LabSpec.Confinement(
                true, true, List.of(Path.of("/opt/toolchains"), Path.of("/srv/ccache")), Optional.of(Duration.ofHours(2)),
                Optional.of(8L << 30), 4096, 256L << 20, 40L << 30));
        assertThat(((LabSpec.Command) policy.labs().get("trusted-tool")).confinement().sandboxed()).isFalse();
    }

    @Test
    void reviews_are_on_with_ten_comments_and_never_request_changes_unless_the_policy_says_so() {
        assertThat(parser.parse(LABS).policy().orElseThrow().reporting().review())
                .isEqualTo(new Reporting.Review(true, 10, Optional.empty()));
        var review = parser.parse(LABS + "reporting:\n  review:\n    max-comments: 3\n    request-changes: error\n")
                .policy().orElseThrow().reporting().review();
        assertThat(review).isEqualTo(new Reporting.Review(true, 3, Optional.of(Finding.Severity.ERROR)));
        assertThat(parser.parse(LABS + "reporting:\n  review:\n    enabled: false\n").policy().orElseThrow()
                .reporting().review().enabled()).isFalse();
    }

    @Test
    void a_command_lab_tests_the_base_unless_told_otherwise_and_costly_labs_only_when_the_operator_says() {
        var policy = parser.parse("""
                labs:
                  local:
                    type: command
                    command: make
                  quiet:
                    type: command
                    command: make
                    baseline: none
                  kci:
                    type: kernelci
                    pipeline-url: https://pipeline.example.org
                    api-url: https://api.example.org
                    token-env: KCI_JWT
                    tree-url: https://git.example.org/linux.git
                    branch: labgate
                  shared:
                    type: kernelci
                    pipeline-url: https://pipeline.example.org
                    api-url: https://api.example.org
                    token-env: KCI_JWT
                    tree-url: https://git.example.org/linux.git
                    branch: labgate
                    baseline: kcidb
                kcidb:
                  dashboard:
                    url: https://dashboard.kernelci.org/api/
                    tree-url: https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git
                    branch: master
                  known-issues: true
                  submit:
                    url: https://db.kernelci.org/
                    token-env: LABGATE_KCIDB_TOKEN
                    origin: acme_ci
                """, dir).policy().orElseThrow();

        assertThat(policy.baseline("local")).isEqualTo(Baseline.TEST_BASE);
        assertThat(policy.baseline("quiet")).isEqualTo(Baseline.NONE);
        assertThat(policy.baseline("kci")).isEqualTo(Baseline.NONE);
        assertThat(policy.baseline("shared")).isEqualTo(Baseline.KCIDB);
        assertThat(policy.baseline("nowhere")).isEqualTo(Baseline.NONE);
        assertThat(policy.kcidb()).isEqualTo(new KcidbSettings(Optional.of(new KcidbSettings.Dashboard(
                URI.create("https://dashboard.kernelci.org/api/"), "maestro",
                "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git", "master")), true,
                Optional.of(new KcidbSettings.Submit(URI.create("https://db.kernelci.org/"), "LABGATE_KCIDB_TOKEN",
                        "acme_ci"))));
        assertThat(policy.kcidb().secretVariables()).containsExactly("LABGATE_KCIDB_TOKEN");
    }

    @Test
    void without_a_kcidb_section_kcidb_is_off() {
        var policy = parser.parse("reporting:\n  statuses: false\n", dir).policy().orElseThrow();

        assertThat(policy.kcidb()).isEqualTo(KcidbSettings.OFF);
        assertThat(policy.reporting()).isEqualTo(new Reporting(false, true, Reporting.Review.DEFAULT));
    }

    @Test
    void gitlab_access_levels_mean_the_same_as_github_roles() {
        var policy = parser.parse("trust:\n  min-permission: developer\n  maintainers:\n    min-permission: owner\n",
                dir).policy().orElseThrow();
        assertThat(policy.trust().minPermission()).isEqualTo(Permission.Level.WRITE);
        assertThat(policy.trust().maintainers().minPermission()).isEqualTo(Permission.Level.ADMIN);
    }

    @Test
    void a_repository_extension_adds_people_and_plans_but_cannot_loosen_the_operators_rules() {
        var base = parser.parse("""
                repositories:
                  - github: acme/linux
                    extension: .labgate.yml
                trust:
                  min-permission: maintain
                  users: [alice]
                labs:
                  local: {type: command, command: make}
                """, dir).policy().orElseThrow();
        var repo = base.repositories().get(0);
        var extended = parser.extend(base, repo, """
                staging-branches: [next]
                trust:
                  users: [bob]
                plans:
                  - name: net
                    lab: local
                    paths: [net/**]
                """);
        assertThat(extended.errors()).isEmpty();
        var policy = extended.policy().orElseThrow();
        assertThat(policy.trust().users()).containsExactly("alice", "bob");
        assertThat(policy.trust().minPermission()).isEqualTo(Permission.Level.MAINTAIN);
        assertThat(policy.repositories().get(0).stagingBranches()).containsExactly("next");
        assertThat(policy.plans()).singleElement().satisfies(p -> assertThat(p.paths()).containsExactly("net/**"));
        assertThat(policy.version()).isNotEqualTo(base.version());

        var loosening = parser.extend(base, repo, "trust:\n  min-permission: read\nlabs: {}\n");
        assertThat(loosening.policy()).isEmpty();
        assertThat(loosening.errors()).extracting(PolicyError::message)
                .containsExactly("unknown key 'min-permission'", "unknown key 'labs'");
    }
}
