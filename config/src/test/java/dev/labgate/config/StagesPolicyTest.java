package dev.labgate.config;

import dev.labgate.core.lab.KernelArch;
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
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Plans with stages ({@code after:}), build labs and where their artifacts go, as the policy says them. */
class StagesPolicyTest {

    private static final String LABS = """
            labs:
              build: {type: build, arch: x86_64}
              boot: {type: command, command: 'true'}
              kunit: {type: command, command: 'true'}
            """;

    @TempDir
    Path dir;

    private final PolicyParser parser = new PolicyParser();

    private Policy valid(String yaml) {
        var result = parser.parse(yaml, dir);
        assertThat(result.errors()).isEmpty();
        return result.policy().orElseThrow();
    }

    @Test
    void a_plan_after_another_lab_makes_a_later_stage() {
        var policy = valid(LABS + """
                plans:
                  - {name: build, lab: build}
                  - {name: boot, lab: boot, after: build}
                  - {name: kunit, lab: kunit, after: boot}
                """);
        assertThat(policy.after("boot")).contains("build");
        assertThat(policy.after("kunit")).contains("boot");
        assertThat(policy.after("build")).isEmpty();
    }

    static Stream<Arguments> badStages() {
        return Stream.of(
                arguments("a lab that runs after an unknown lab names the lab it probably meant",
                        "plans:\n  - {lab: build}\n  - {lab: boot, after: biuld}\n", 7, 24, "unknown lab 'biuld'",
                        "did you mean 'build'?"),
                arguments("a lab that runs after a lab no plan plans is refused: that run would never come",
                        "plans:\n  - {lab: boot, after: build}\n", 6, 24, "lab boot runs after build, which no plan "
                                + "plans", "- {name: build, lab: build}"),
                arguments("a lab that runs after itself is a cycle",
                        "plans:\n  - {lab: boot, after: boot}\n", 6, 24, "the plans' stages form a cycle: boot runs "
                                + "after itself", "remove one of these 'after'"),
                arguments("two labs that run after each other are a cycle",
                        "plans:\n  - {lab: build}\n  - {lab: boot, after: kunit}\n  - {lab: kunit, after: boot}\n",
                        7, 24, "the plans' stages form a cycle: boot runs after kunit, kunit runs after boot", ""),
                arguments("a lab runs after one lab, whatever plans name it",
                        "plans:\n  - {lab: build}\n  - {lab: kunit}\n  - {lab: boot, after: build}\n"
                                + "  - {lab: boot, after: kunit}\n", 9, 24, "lab boot already runs after build",
                        "name the same one in every plan of boot"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badStages")
    void config_check_refuses_stages_that_cannot_be_followed(String sentence, String plans, int line, int column,
                                                            String message, String suggestion) {
        var result = parser.parse(LABS + plans, dir);
        assertThat(result.policy()).isEmpty();
        assertThat(result.errors()).as(sentence).anySatisfy(e -> {
            assertThat(e.message()).contains(message);
            assertThat(e.suggestion()).contains(suggestion);
            assertThat(e.line()).isEqualTo(line);
            assertThat(e.column()).isEqualTo(column);
        });
    }

    @Test
    void a_repository_extension_cannot_close_a_cycle_through_the_operators_stages() {
        var base = valid("repositories:\n  - github: acme/linux\n    extension: .labgate.yml\n" + LABS + """
                plans:
                  - {name: build, lab: build, after: boot}
                  - {name: boot, lab: boot}
                """);
        var extended = parser.extend(base, base.repositories().get(0), "plans:\n  - {lab: boot, after: build}\n");
        assertThat(extended.policy()).isEmpty();
        assertThat(extended.errors()).singleElement().satisfies(e -> {
            assertThat(e.message()).contains("cycle");
            assertThat(e.line()).isEqualTo(2);
        });
    }

    @Test
    void a_later_stage_brings_its_build_into_the_plan_and_every_plan_lists_stages_in_order() {
        var policy = valid(LABS + """
                plans:
                  - {name: kunit, lab: kunit, after: boot, paths: ['lib/**']}
                  - {name: boot, lab: boot, after: build, tests: [login], paths: ['arch/**']}
                  - {name: build, lab: build, paths: ['Makefile']}
                """);
        var plan = new Planner().plan(policy, Optional.of(List.of("lib/string.c")));
        assertThat(plan.entries()).extracting(e -> e.lab(), e -> e.after().orElse(""), e -> e.why())
                .containsExactly(tuple("build", "", "needed before boot"), tuple("boot", "build", "needed before kunit"),
                        tuple("kunit", "boot", "plan 'kunit' (touches lib/string.c)"));
        assertThat(plan.entries().get(1).tests()).containsExactly("login");
        assertThat(new Planner().plan(policy, Optional.of(List.of("fs/inode.c"))).isEmpty()).isTrue();
    }

    @Test
    void a_build_lab_names_its_architecture_configuration_and_toolchain() {
        var policy = valid("""
                labs:
                  arm64:
                    type: build
                    arch: arm64
                    defconfig: defconfig
                    fragments: [kernel/configs/kvm_guest.config, CONFIG_KUNIT=y, '# CONFIG_DEBUG_INFO is not set']
                    toolchain: gcc-12
                    cross-compile: aarch64-linux-gnu-
                    timeout: 2h
                """);
        var arm64 = (LabSpec.Build) policy.labs().get("arm64");
        assertThat(arm64).isEqualTo(new LabSpec.Build("arm64", KernelArch.ARM64, "defconfig",
                List.of("kernel/configs/kvm_guest.config", "CONFIG_KUNIT=y", "# CONFIG_DEBUG_INFO is not set"),
                "gcc-12", Optional.of("aarch64-linux-gnu-"), Duration.ofHours(2), arm64.confinement()));
        assertThat(arm64.confinement().sandboxed()).as("built in the same sandbox as every command lab").isTrue();
        assertThat(arm64.confinement().network()).isFalse();
        assertThat(((LabSpec.Build) policy.labs().get("arm64")).configName()).isEqualTo("defconfig+kvm_guest+labgate");
        var defaults = (LabSpec.Build) valid("labs:\n  b: {type: build, arch: x86_64}\n").labs().get("b");
        assertThat(defaults.defconfig()).isEqualTo("defconfig");
        assertThat(defaults.toolchain()).isEqualTo("gcc");
        assertThat(defaults.timeout()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void a_build_lab_takes_the_command_labs_sandbox_keys_for_a_toolchain_outside_usr() {
        var build = (LabSpec.Build) valid("""
                labs:
                  arm64:
                    type: build
                    arch: arm64
                    cross-compile: aarch64-linux-gnu-
                    read-only: [/opt/toolchains]
                    limits: {disk: 40G}
                """).labs().get("arm64");

        assertThat(build.confinement().sandboxed()).isTrue();
        assertThat(build.confinement().readOnly()).containsExactly(Path.of("/opt/toolchains"));
        assertThat(build.confinement().disk()).isEqualTo(40L << 30);
    }

    static Stream<Arguments> badBuilds() {
        return Stream.of(
                arguments("an architecture labgate does not build for names the one it probably meant",
                        "arch: x86-64", 4, 11, "labgate does not build for 'x86-64'", "did you mean 'x86_64'?"),
                arguments("a fragment that leaves the tree is refused",
                        "arch: x86_64\n    fragments: [../secret.config]", 5, 17,
                        "neither a configuration option nor a file in the tree", "CONFIG_KUNIT=y"),
                arguments("an option with a line break in its value is refused",
                        "arch: x86_64\n    fragments: ['CONFIG_CMDLINE=\"a\\nb\"']", 5, 17,
                        "neither a configuration option", ""),
                arguments("an unknown toolchain says which are known",
                        "arch: arm64\n    toolchain: icc", 5, 16, "unknown toolchain 'icc'", "gcc or clang"),
                arguments("a build lab needs its architecture",
                        "defconfig: defconfig", 3, 5, "missing 'arch'", "arch: x86_64"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBuilds")
    void a_build_lab_that_cannot_build_is_refused_with_the_fix(String sentence, String settings, int line, int column,
                                                              String message, String suggestion) {
        var result = parser.parse("labs:\n  b:\n    type: build\n    " + settings + "\n", dir);
        assertThat(result.policy()).isEmpty();
        assertThat(result.errors()).as(sentence).anySatisfy(e -> {
            assertThat(e.message()).contains(message);
            assertThat(e.suggestion()).contains(suggestion);
            assertThat(e.line()).isEqualTo(line);
            assertThat(e.column()).isEqualTo(column);
        });
    }

    @Test
    void artifacts_are_kept_two_weeks_under_the_data_directory_unless_the_policy_says_otherwise() {
        assertThat(valid(LABS).artifacts()).isEqualTo(ArtifactSettings.DEFAULT);
        assertThat(ArtifactSettings.DEFAULT.retention()).isEqualTo(Duration.ofDays(14));
        var published = valid("""
                artifacts:
                  retention: 3d12h
                  max-size: 2G
                  directory: www/labgate
                  url: https://files.example.org/labgate
                """).artifacts();
        assertThat(published.retention()).isEqualTo(Duration.ofHours(84));
        assertThat(published.maxFileBytes()).isEqualTo(2L << 30);
        assertThat(published.published()).contains(new ArtifactSettings.Published(
                dir.resolve("www/labgate").toAbsolutePath().normalize(), URI.create("https://files.example.org/labgate")));

        var half = parser.parse("artifacts:\n  directory: /srv/www\n", dir);
        assertThat(half.errors()).singleElement().satisfies(e -> {
            assertThat(e.message()).contains("needs the URL it is served at");
            assertThat(e.line()).isEqualTo(2);
        });
    }

    @Test
    void an_s3_bucket_is_addressed_path_style_with_credentials_named_by_environment_variable() {
        var bucket = valid("""
                artifacts:
                  s3:
                    endpoint: http://minio.example.org:9000/
                    bucket: labgate-artifacts
                    prefix: ci/builds
                """).artifacts().bucket().orElseThrow();
        assertThat(bucket).isEqualTo(new ArtifactSettings.Bucket(URI.create("http://minio.example.org:9000"),
                "labgate-artifacts", "us-east-1", "ci/builds/", URI.create("http://minio.example.org:9000/labgate-artifacts"),
                "LABGATE_S3_ACCESS_KEY_ID", "LABGATE_S3_SECRET_ACCESS_KEY"));

        var named = valid("""
                artifacts:
                  s3:
                    endpoint: https://garage.example.org
                    bucket: kernels
                    region: garage
                    url: https://kernels.example.org/
                    access-key-id-env: GARAGE_KEY_ID
                    secret-access-key-env: GARAGE_SECRET
                """).artifacts();
        assertThat(named.bucket().orElseThrow()).extracting(ArtifactSettings.Bucket::region,
                ArtifactSettings.Bucket::prefix, ArtifactSettings.Bucket::url).containsExactly("garage", "",
                URI.create("https://kernels.example.org"));
        assertThat(named.secretVariables()).containsExactly("GARAGE_KEY_ID", "GARAGE_SECRET");
    }

    static Stream<Arguments> badBuckets() {
        return Stream.of(
                arguments("a bucket without an endpoint says what to write", "s3: {bucket: b1b}", 2, 7,
                        "needs the endpoint of its API", "endpoint: https://"),
                arguments("an endpoint with a path is refused: the bucket is addressed path-style",
                        "s3: {endpoint: 'https://s3.example.org/store', bucket: b1b}", 2, 18, "with no path",
                        "https://minio.example.org:9000"),
                arguments("a bucket name S3 would refuse", "s3: {endpoint: 'https://s3.example.org', bucket: My_Bucket}",
                        2, 52, "is not an S3 bucket name", "3 to 63 lowercase"),
                arguments("a prefix that climbs out", "s3: {endpoint: 'https://s3.example.org', bucket: b1b, prefix: ../x}",
                        2, 65, "is not a key prefix", "labgate/artifacts/"),
                arguments("a secret written in the policy is refused", "s3: {endpoint: 'https://s3.example.org', "
                        + "bucket: b1b, secret-access-key: wJalrXUtnFEMI}", 2, 57, "a secret is written in the policy",
                        "secret-access-key-env"),
                arguments("a bucket and a published directory at once", "s3: {endpoint: 'https://s3.example.org', "
                        + "bucket: b1b}\n  directory: /srv/www\n  url: https://files.example.org", 2, 7,
                        "not both", "keep either"),
                arguments("a file larger than one upload takes", "max-size: 6G\n  s3: {endpoint: 'https://s3.example.org', "
                        + "bucket: b1b}", 2, 13, "at most 5 GiB", "max-size: 5G or less"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBuckets")
    void a_bucket_labgate_cannot_use_is_refused_with_the_fix(String sentence, String settings, int line, int column,
                                                            String message, String suggestion) {
        var result = parser.parse("artifacts:\n  " + settings + "\n", dir);
        assertThat(result.policy()).as(sentence).isEmpty();
        assertThat(result.errors()).as(sentence).anySatisfy(e -> {
            assertThat(e.message()).contains(message);
            assertThat(e.suggestion()).contains(suggestion);
            assertThat(e.line()).isEqualTo(line);
            assertThat(e.column()).isEqualTo(column);
        });
    }

    @Test
    void a_lava_lab_after_a_build_needs_no_artifacts_url_and_may_name_its_device_tree() throws IOException {
        Files.writeString(dir.resolve("boot.yaml"), "job_name: x\n");
        var policy = valid("""
                labs:
                  boards:
                    type: lava
                    url: https://lava.example.org
                    token-env: LAVA_TOKEN
                    template: boot.yaml
                    device-tree: broadcom/bcm2711-rpi-4-b.dtb
                """);
        var lava = (LabSpec.Lava) policy.labs().get("boards");
        assertThat(lava.artifactsUrl()).isEmpty();
        assertThat(lava.deviceTree()).contains("broadcom/bcm2711-rpi-4-b.dtb");

        var bad = parser.parse("labs:\n  b:\n    type: lava\n    url: https://lava.example.org\n    token-env: T\n"
                + "    template: boot.yaml\n    device-tree: ../x.dtb\n", dir);
        assertThat(bad.errors()).singleElement().satisfies(e -> assertThat(e.message())
                .contains("is not a device tree file"));
    }
}
