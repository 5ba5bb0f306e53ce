package dev.labgate.bot;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labgate.testkit.TestRepository;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.GpgConfig;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.signing.ssh.SshSignerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The operator's commands, run as picocli runs them from the shell. */
class CliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    record Ran(int exit, String out, String err) {
    }

    static Ran run(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var exit = Labgate.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args);
        return new Ran(exit, out.toString(), err.toString());
    }

    @Test
    void config_check_says_how_each_command_lab_is_sandboxed_here_and_loudly_where_it_is_not() throws Exception {
        var unsafe = Files.writeString(tmp.resolve("unsafe.yml"), """
                labs:
                  unsafe: {type: command, command: make, sandbox: none}
                """);
        var broken = Files.writeString(tmp.resolve("broken.yml"), """
                labs:
                  broken: {type: command, command: make, read-only: [/no/such/labgate/path]}
                """);

        var warned = run("config", "check", unsafe.toString());
        var refused = run("config", "check", broken.toString());

        assertThat(warned.exit()).as("the operator's choice, said loudly").isZero();
        assertThat(warned.out()).contains(unsafe + ": WARNING: lab unsafe runs the change's code WITHOUT A SANDBOX");
        assertThat(refused.exit()).as("a lab the service could not use").isEqualTo(1);
        assertThat(refused.err()).contains(broken + ": lab broken: no sandbox can start on this host: the read-only "
                + "path /no/such/labgate/path does not exist on this host");
    }

    @Test
    void config_check_notes_a_lab_secret_that_is_not_set_in_its_environment() throws Exception {
        Files.writeString(tmp.resolve("boot.yaml"), "device_type: qemu\njob_name: boot\nactions: []\n");
        var policy = Files.writeString(tmp.resolve("policy.yml"), """
                labs:
                  set:
                    type: lava
                    url: https://lava.example.org
                    token-env: LABGATE_TEST_LAVA_TOKEN
                    template: boot.yaml
                    artifacts-url: https://files.example.org/k
                  unset:
                    type: lava
                    url: https://lava.example.org
                    token-env: LABGATE_NOBODY_SETS_THIS_TOKEN
                    template: boot.yaml
                    artifacts-url: https://files.example.org/k
                """);

        var result = run("config", "check", policy.toString());

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).contains(policy + ": note: lab unset reads a secret from "
                + "LABGATE_NOBODY_SETS_THIS_TOKEN, which is not set here").doesNotContain("lab set ");
    }

    @Test
    void config_check_notes_the_buckets_credentials_that_are_not_set_in_its_environment() throws Exception {
        var policy = Files.writeString(tmp.resolve("policy.yml"), """
                artifacts:
                  s3:
                    endpoint: https://minio.example.org:9000
                    bucket: labgate-artifacts
                    access-key-id-env: LABGATE_TEST_S3_ACCESS_KEY_ID
                    secret-access-key-env: LABGATE_NOBODY_SETS_THIS_SECRET
                """);

        var result = run("config", "check", policy.toString());

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).contains(policy + ": note: artifacts.s3 reads a credential from "
                + "LABGATE_NOBODY_SETS_THIS_SECRET, which is not set here").doesNotContain("LABGATE_TEST_S3_ACCESS_KEY_ID");
    }

    @Test
    void config_check_passes_the_shipped_example_and_lists_every_error_of_a_broken_file() throws Exception {
        var example = run("config", "check", "../policy/example.yml");
        assertThat(example.exit()).as(example.err()).isZero();
        assertThat(example.out()).contains("../policy/example.yml: valid (version ").contains("1 labs, 1 plans");

        var broken = Files.writeString(tmp.resolve("broken.yml"), """
                trust:
                  min-permision: write
                labs:
                  kci:
                    type: kernelci
                    token: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJsYWJnYXRlIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ
                plans:
                  - lab: kcl
                """);
        var result = run("config", "check", broken.toString());
        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.err()).contains(broken + ":2:3: trust.min-permision: unknown key 'min-permision' "
                        + "(did you mean 'min-permission'?)")
                .contains(broken + ":6:5: labs.kci.token: a secret is written in the policy ('token')")
                .contains(broken + ":8:10: plans[0].lab: unknown lab 'kcl'")
                .contains("errors");
        assertThat(run("config", "check", tmp.resolve("missing.yml").toString()).exit()).isEqualTo(64);
    }

    @Test
    void config_check_runs_the_lab_checks_the_service_runs_so_a_template_it_cannot_fill_fails_the_check()
            throws Exception {
        Files.writeString(tmp.resolve("boot.yaml"), "device_type: qemu\njob_name: {{ nosuch }}\nactions: []\n");
        var policy = Files.writeString(tmp.resolve("policy.yml"), """
                labs:
                  board:
                    type: lava
                    url: https://lava.example.org
                    token-env: LABGATE_NOBODY_SETS_THIS_TOKEN
                    template: boot.yaml
                    artifacts-url: https://files.example.org/k
                plans:
                  - lab: board
                """);

        var result = run("config", "check", policy.toString());

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.err()).contains(policy + ": lab board: job template uses {{ nosuch }}, which labgate "
                + "does not know").contains("1 error").doesNotContain("unknown lab");
        assertThat(result.out()).doesNotContain("valid");
    }

    @Test
    void usage_errors_exit_64_and_say_what_is_wrong() throws Exception {
        var config = run("config");
        assertThat(config.exit()).isEqualTo(64);
        assertThat(config.err()).contains("Missing required subcommand").contains("check");
        var kcidb = run("kcidb", "validate", tmp.resolve("nosuch.json").toString());
        assertThat(kcidb.exit()).isEqualTo(64);
        assertThat(kcidb.err()).contains("cannot read " + tmp.resolve("nosuch.json") + ": no such file");
        assertThat(run("explain", "--event", "pull_request", "x.json").exit()).isEqualTo(64);
        assertThat(run().exit()).isEqualTo(64);
        assertThat(run("--no-such-option").exit()).isEqualTo(64);
    }

    @Test
    void version_is_the_one_maven_built() {
        var result = run("--version");
        assertThat(result.exit()).isZero();
        assertThat(result.out().strip()).matches("labgate \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }

    @Test
    void verify_commits_prints_each_commit_with_its_verdict_and_exits_1_unless_all_are_trusted() throws Exception {
        try (var repo = TestRepository.create(tmp.resolve("git"), "acme/linux")) {
            var base = repo.commit("refs/heads/master", null, "base", Map.of("a", "1\n"));
            var head = repo.commit("refs/heads/master", base, "unsigned", Map.of("a", "2\n"));
            var text = run("verify-commits", "--repo", repo.directory().toString(), base + ".." + head);
            assertThat(text.exit()).isEqualTo(1);
            assertThat(text.out()).startsWith(head + " unsigned");

            var json = run("verify-commits", "--repo", repo.directory().toString(), "--json", "master~1..master");
            assertThat(json.exit()).isEqualTo(1);
            var rows = JSON.readTree(json.out());
            assertThat(rows).hasSize(1);
            assertThat(rows.get(0).get("commit").asText()).isEqualTo(head);
            assertThat(rows.get(0).get("verdict").asText()).isEqualTo("unsigned");
            assertThat(rows.get(0).get("signer").asText()).isEmpty();

            var key = SshKey.create(tmp);
            var signed = key.signedCommit(repo.repository(), head);
            var allowed = Files.writeString(tmp.resolve("allowed_signers"), "mai@example.org " + key.publicKey + "\n");
            var trusted = run("verify-commits", "--repo", repo.directory().toString(), "--ssh-allowed-signers",
                    allowed.toString(), "--json", signed);
            assertThat(trusted.exit()).as(trusted.out() + trusted.err()).isZero();
            assertThat(JSON.readTree(trusted.out()).get(0).get("signer").asText()).isEqualTo("mai@example.org");
            assertThat(run("verify-commits", "--repo", repo.directory().toString(), signed).exit())
                    .as("without the allowed signers the key is untrusted").isEqualTo(1);
            assertThat(run("verify-commits", "--repo", repo.directory().toString(), "nonsense..master").exit())
                    .isEqualTo(2);
        }
    }

    @Test
    void verify_commits_agrees_with_git_on_the_ssh_signed_corpus_repository() throws Exception {
        var corpus = Path.of(System.getProperty("labgate.shared", "../../shared"), "corpus", "signed-commits", "jgit-ssh");
        assumeTrue(Files.isDirectory(corpus), "the signed-commit corpus is not at " + corpus.toAbsolutePath());
        var clone = tmp.resolve("clone.git");
        try (var git = Git.init().setBare(true).setDirectory(clone.toFile()).call()) {
            git.fetch().setRemote(corpus.resolve("repo.bundle").toAbsolutePath().toString())
                    .setRefSpecs("+refs/heads/*:refs/heads/*").call();
        }
        var allowed = corpus.resolve("allowed_signers").toAbsolutePath().toString();
        var rows = Files.readAllLines(corpus.resolve("expected.tsv")).stream().skip(1).filter(l -> !l.isBlank())
                .map(l -> l.split("\t")).toList();
        assertThat(rows).hasSize(11);
        for (var row : rows) {
            var result = run("verify-commits", "--repo", clone.toString(), "--ssh-allowed-signers", allowed, "--json",
                    row[0]);
            var gitSays = row[2].equals("0");
            assertThat(result.exit()).as(row[0] + ": " + result.out() + result.err()).isEqualTo(gitSays ? 0 : 1);
            var verdict = JSON.readTree(result.out()).get(0).get("verdict").asText();
            assertThat(verdict.equals("trusted")).as(row[0]).isEqualTo(gitSays);
        }
    }

    @Test
    void explain_offline_shows_the_event_unverified_facts_the_decision_and_the_plan() throws Exception {
        try (var scenario = new Scenario(tmp, "true")) {
            var payload = tmp.resolve("pr.json");
            var body = (ObjectNode) JSON.readTree(Fixtures.pullRequest("opened", Scenario.REPO, 7, "mallory",
                    scenario.head, scenario.base, true));
            ((ObjectNode) body.get("pull_request")).put("author_association", "CONTRIBUTOR");
            Files.write(payload, JSON.writeValueAsBytes(body));
            var result = run("explain", "--forge", "github", "--event", "pull_request", payload.toString(), "--policy",
                    tmp.resolve("policy.yml").toString(), "--offline");
            assertThat(result.exit()).as(result.err()).isZero();
            assertThat(result.out())
                    .contains("change github:acme/linux#7 opened: head " + scenario.head)
                    .contains("author mallory, from a fork")
                    .contains("the permission of mallory on acme/linux: NOT KNOWN offline (the payload's "
                            + "author_association CONTRIBUTOR is not a permission)")
                    .contains("Trust decision: NOT KNOWN offline. It depends on the permission of mallory on "
                            + "acme/linux, which only the forge can tell")
                    .contains("if they favour mallory: TRUSTED by rule forge-permission")
                    .contains("if they do not: NEEDS APPROVAL by rule forge-permission")
                    .contains("local (the lab's default tests), because of plan 'smoke': would run if they favour "
                            + "mallory; would wait for a maintainer's /labgate ok-to-test if they do not")
                    .doesNotContain("Trust decision: NEEDS APPROVAL")
                    .doesNotContain("paths github:acme/linux#7 touches")
                    .contains("Nothing was submitted and nothing was written to the forge.");
            assertThat(scenario.github.requests()).isEmpty();
        }
    }

    @Test
    void explain_offline_gives_a_decision_when_the_unknown_facts_cannot_change_it() throws Exception {
        try (var scenario = new Scenario(tmp, "true")) {
            var payload = Files.write(tmp.resolve("pr.json"), Fixtures.pullRequest("opened", "acme/other", 7,
                    "mallory", scenario.head, scenario.base, true));
            var result = run("explain", "--forge", "github", "--event", "pull_request", payload.toString(), "--policy",
                    tmp.resolve("policy.yml").toString(), "--offline");
            assertThat(result.exit()).as(result.err()).isZero();
            assertThat(result.out()).contains("Ignored: github:acme/other is not in the policy.");
        }
    }

    @Test
    void explain_reads_the_policy_the_service_reads_when_none_is_given() throws Exception {
        try (var scenario = new Scenario(tmp, "true")) {
            var payload = Files.write(tmp.resolve("pr.json"), Fixtures.pullRequest("opened", Scenario.REPO, 7,
                    "mallory", scenario.head, scenario.base, true));
            // LABGATE_POLICY is the environment's spelling of labgate.policy, which 'serve' reads.
            System.setProperty("labgate.policy", tmp.resolve("policy.yml").toString());
            Ran result;
            try {
                result = run("explain", "--forge", "github", "--event", "pull_request", payload.toString(),
                        "--offline");
            } finally {
                System.clearProperty("labgate.policy");
            }
            assertThat(result.exit()).as(result.err()).isZero();
            assertThat(result.out()).contains("Policy: " + tmp.resolve("policy.yml") + ", version")
                    .contains("because of plan 'smoke'");
        }
    }

    @Test
    void explain_asks_the_forge_read_only_for_the_facts_it_needs() throws Exception {
        try (var scenario = new Scenario(tmp, "true")) {
            scenario.github.permission(Scenario.REPO, "alice", "write");
            var payload = Files.write(tmp.resolve("pr.json"), Fixtures.pullRequest("synchronize", Scenario.REPO, 7,
                    "alice", scenario.head, scenario.base, false));
            System.setProperty("labgate.github.api-url", scenario.github.url().toString());
            // Where a service started here would keep its database: explain must not open it.
            System.setProperty("labgate.data-dir", tmp.resolve("data").toString());
            Ran result;
            try {
                result = run("explain", "--forge", "github", "--event", "pull_request", payload.toString(),
                        "--policy", tmp.resolve("policy.yml").toString());
            } finally {
                System.clearProperty("labgate.github.api-url");
                System.clearProperty("labgate.data-dir");
            }
            assertThat(result.exit()).as(result.err()).isZero();
            assertThat(result.out())
                    .contains("permission of alice on acme/linux: write (GitHub gives alice the write role on acme/linux")
                    .contains("Trust decision: TRUSTED by rule forge-permission")
                    .contains("because of plan 'smoke': would run");
            assertThat(scenario.github.requests()).isNotEmpty()
                    .allSatisfy(r -> assertThat(r.method()).isEqualTo("GET"));
            assertThat(scenario.github.statuses(Scenario.REPO, scenario.head)).isEmpty();
            assertThat(tmp.resolve("data")).doesNotExist();
        }
    }

    @Test
    void explain_shows_a_later_stage_waiting_for_the_one_before_it() throws Exception {
        try (var scenario = new Scenario(tmp, "true")) {
            Files.writeString(tmp.resolve("policy.yml"), Files.readString(tmp.resolve("policy.yml")).replace(
                    "plans:\n", "  build: {type: build, arch: x86_64}\nplans:\n  - {name: build, lab: build}\n")
                    .replace("lab: local\n", "lab: local\n    after: build\n"));
            scenario.github.permission(Scenario.REPO, "alice", "write");
            var payload = Files.write(tmp.resolve("pr.json"), Fixtures.pullRequest("synchronize", Scenario.REPO, 7,
                    "alice", scenario.head, scenario.base, false));
            System.setProperty("labgate.github.api-url", scenario.github.url().toString());
            Ran result;
            try {
                result = run("explain", "--forge", "github", "--event", "pull_request", payload.toString(),
                        "--policy", tmp.resolve("policy.yml").toString());
            } finally {
                System.clearProperty("labgate.github.api-url");
            }
            assertThat(result.exit()).as(result.err()).isZero();
            assertThat(result.out()).containsSubsequence("build (the lab's default tests), because of plan 'build': "
                    + "would run", "local (the lab's default tests), because of plan 'smoke': would run once build "
                    + "passed");
        }
    }

    /** An SSH key made in the test and commits signed with it by JGit, as git signs them. */
    private static final class SshKey {
        final Path file;
        final String publicKey;

        private SshKey(Path file, String publicKey) {
            this.file = file;
            this.publicKey = publicKey;
        }

        static SshKey create(Path dir) throws Exception {
            var pair = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
            var file = dir.resolve("id_ed25519");
            try (OutputStream out = Files.newOutputStream(file)) {
                OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, "test", null, out);
            }
            return new SshKey(file, PublicKeyEntry.toString(pair.getPublic()));
        }

        String signedCommit(Repository repository, String parent) throws Exception {
            try (var inserter = repository.newObjectInserter(); var walk = new RevWalk(repository)) {
                var commit = new CommitBuilder();
                commit.setTreeId(walk.parseCommit(ObjectId.fromString(parent)).getTree());
                commit.setParentId(ObjectId.fromString(parent));
                var who = new PersonIdent("Mai", "mai@example.org", Instant.now(), ZoneOffset.UTC);
                commit.setAuthor(who);
                commit.setCommitter(who);
                commit.setMessage("signed\n");
                var config = new Config();
                config.setString("gpg", null, "format", "ssh");
                commit.setGpgSignature(new SshSignerFactory().create().sign(repository, new GpgConfig(config),
                        commit.build(), who, file.toString(), null));
                var id = inserter.insert(commit);
                inserter.flush();
                return id.name();
            }
        }
    }
}
