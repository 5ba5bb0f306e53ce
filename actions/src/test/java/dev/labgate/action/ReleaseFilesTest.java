package dev.labgate.action;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a release is made of, checked where Docker, systemd and the forges are not: the release
 * scripts run on copies of the repository's files, and the Dockerfile, compose file and systemd
 * unit are read for what they promise (a JRE 17 base, a user without privileges, a data volume, a
 * health check, PostgreSQL, hardening) and for agreeing with labgate's own settings.
 */
class ReleaseFilesTest {

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    @TempDir
    Path dir;

    @Test
    void aTagIsReleasedOnlyWhenItMatchesThePomAndADatedChangelogSection() throws Exception {
        var copy = repositoryCopy("0.2.0", "## [0.2.0] - 2026-12-01\n\n- a fix\n\n## [0.1.0] - 2026-11-01\n\n- first\n");
        assertThat(run(copy, "release/check-version", "v0.2.0").exit()).isZero();
        assertThat(run(copy, "release/check-version", "v0.2.1").output())
                .contains("the tag is v0.2.1 but pom.xml says 0.2.0");
        assertThat(run(copy, "release/notes", "0.2.0").output()).isEqualTo("- a fix");

        var undated = repositoryCopy("0.2.0", "## [0.2.0] - Unreleased\n");
        assertThat(run(undated, "release/check-version", "v0.2.0").output())
                .contains("CHANGELOG.md has no section '## [0.2.0] - YYYY-MM-DD'");
        var snapshot = repositoryCopy("0.2.0-SNAPSHOT", "## [0.2.0] - 2026-12-01\n");
        assertThat(run(snapshot, "release/check-version", "v0.2.0").output()).contains("-SNAPSHOT");
    }

    @Test
    void theChangelogHasASectionForTheVersionBeingBuilt() throws Exception {
        var version = run(ROOT, "release/version").output();
        assertThat(version).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
        assertThat(Files.readString(ROOT.resolve("CHANGELOG.md")))
                .contains("## [" + version.replace("-SNAPSHOT", "") + "] - ");
        assertThat(Files.readString(ROOT.resolve("LICENSE"))).contains("Apache License").contains("Version 2.0");
    }

    @Test
    void theImageServesOnAJava17RuntimeAsAnUnprivilegedUserWithAVolumeAndAHealthCheck() throws Exception {
        var docker = dockerfile();
        assertThat(docker.get("FROM")).singleElement().asString().startsWith("eclipse-temurin:17-jre");
        assertThat(docker.get("USER")).singleElement().asString().doesNotStartWith("root").doesNotStartWith("0");
        assertThat(docker.get("VOLUME")).singleElement().asString().contains("/var/lib/labgate");
        assertThat(docker.get("HEALTHCHECK")).singleElement().asString().contains("http://127.0.0.1:8080/health");
        assertThat(docker.get("ENTRYPOINT"))
                .containsExactly("[\"java\", \"@/opt/labgate/jvm.options\", \"-jar\", \"/opt/labgate/labgate.jar\"]");
        assertThat(docker.get("CMD")).containsExactly("[\"serve\"]");
        assertThat(docker.get("COPY")).contains("bot/target/labgate.jar /opt/labgate/labgate.jar",
                "deploy/jvm.options /opt/labgate/jvm.options");
        var env = String.join(" ", docker.get("ENV"));
        assertThat(env).contains("LABGATE_DATA_DIR=/var/lib/labgate").contains("LABGATE_POLICY=/etc/labgate/policy.yml");
        assertThat(Files.readString(ROOT.resolve(".dockerignore"))).contains("!bot/target/labgate.jar", "!deploy/jvm.options");
        var ordered = docker.keySet().stream().toList();
        assertThat(ordered.indexOf("USER")).as("USER comes before the entrypoint").isLessThan(ordered.indexOf("ENTRYPOINT"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theComposeFileRunsTheImageOnPostgresqlWithItsDataInVolumes() throws Exception {
        var compose = (Map<String, Object>) new Yaml().load(Files.readString(ROOT.resolve("deploy/compose.yml")));
        var services = (Map<String, Map<String, Object>>) compose.get("services");
        assertThat(services).containsKeys("labgate", "postgres");
        var labgate = services.get("labgate");
        assertThat((String) labgate.get("image")).contains("${LABGATE_IMAGE").contains("${LABGATE_VERSION");
        var env = (Map<String, String>) labgate.get("environment");
        assertThat(env.get("LABGATE_DATABASE_URL")).isEqualTo("jdbc:postgresql://postgres:5432/labgate");
        assertThat(env.get("LABGATE_DATABASE_PASSWORD")).isEqualTo(((Map<String, String>) services.get("postgres")
                .get("environment")).get("POSTGRES_PASSWORD"));
        var readme = Files.readString(ROOT.resolve("README.md"));
        env.keySet().forEach(name -> assertThat(readme).as("README documents " + name).contains(name));
        assertThat((List<String>) labgate.get("volumes")).contains("labgate-data:/var/lib/labgate");
        assertThat(((Map<String, Object>) compose.get("volumes"))).containsKeys("labgate-data", "postgres-data");
        assertThat(((Map<String, Map<String, String>>) labgate.get("depends_on")).get("postgres"))
                .containsEntry("condition", "service_healthy");
    }

    @Test
    void theSystemdUnitRunsServeAsItsOwnUserHardened() throws Exception {
        var unit = Files.readString(ROOT.resolve("deploy/labgate.service"));
        var service = section(unit, "Service");
        assertThat(service).containsEntry("User", List.of("labgate")).containsEntry("NoNewPrivileges", List.of("yes"))
                .containsEntry("ProtectSystem", List.of("strict")).containsEntry("ProtectHome", List.of("yes"))
                .containsEntry("PrivateTmp", List.of("yes")).containsEntry("CapabilityBoundingSet", List.of(""))
                .containsEntry("StateDirectory", List.of("labgate"))
                .containsEntry("ExecStart",
                        List.of("/usr/bin/java @/opt/labgate/jvm.options -jar /opt/labgate/labgate.jar serve"));
        assertThat(service).doesNotContainKey("MemoryDenyWriteExecute");
        assertThat(section(unit, "Install")).containsEntry("WantedBy", List.of("multi-user.target"));
        var analyze = Path.of("/usr/bin/systemd-analyze");
        assumeTrue(Files.isExecutable(analyze), "systemd-analyze is not installed here; the unit was read, not verified");
        var unitFile = Files.copy(ROOT.resolve("deploy/labgate.service"), dir.resolve("labgate.service"));
        var verify = new ProcessBuilder(analyze.toString(), "verify", unitFile.toString()).redirectErrorStream(true).start();
        var output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(output).doesNotContain("Unknown key").doesNotContain("Unknown section");
    }

    /**
     * The image, the unit and ./labgate run with one list of JVM options, and this Java reads it as
     * an argument file: an option it did not know would stop the service before it starts.
     */
    @Test
    void theJvmOptionsFileIsTheLaunchersAndThisJavaAcceptsIt() throws Exception {
        var options = ROOT.resolve("deploy/jvm.options");
        assertThat(Files.readString(ROOT.resolve("labgate"))).contains("@\"$root/deploy/jvm.options\"");
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var process = new ProcessBuilder(java, "@" + options, "-XX:+PrintFlagsFinal", "-version")
                .redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        assertThat(output).containsPattern("bool UseSerialGC\\s+= true")
                .containsPattern("intx Tier4InvocationThreshold\\s+= 50000")
                .containsPattern("size_t InitialHeapSize\\s+= 268435456")
                .containsPattern("size_t MaxNewSize\\s+= 33554432");
    }

    private Path repositoryCopy(String version, String changelog) throws IOException {
        var copy = Files.createTempDirectory(dir, "repo");
        Files.createDirectories(copy.resolve("release"));
        for (var script : List.of("check-version", "version", "notes")) {
            Files.copy(ROOT.resolve("release").resolve(script), copy.resolve("release").resolve(script));
        }
        Files.writeString(copy.resolve("pom.xml"), Files.readString(ROOT.resolve("pom.xml"))
                .replaceFirst("(<artifactId>labgate-parent</artifactId>\\s*<version>)[^<]+", "$1" + version));
        Files.writeString(copy.resolve("CHANGELOG.md"), "# Changelog\n\n" + changelog);
        return copy;
    }

    private record Ran(int exit, String output) {
    }

    private static Ran run(Path root, String script, String... args) throws Exception {
        var command = new ArrayList<>(List.of("bash", root.resolve(script).toString()));
        command.addAll(List.of(args));
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return new Ran(process.waitFor(), output);
    }

    /** Each instruction of the Dockerfile with its arguments (continuation lines joined), in order. */
    private static Map<String, List<String>> dockerfile() throws IOException {
        var instructions = new LinkedHashMap<String, List<String>>();
        var text = Files.readString(ROOT.resolve("Dockerfile")).replaceAll("\\\\\\n\\s*", " ");
        for (var line : text.lines().toList()) {
            var m = Pattern.compile("^([A-Z]+)\\s+(.*)$").matcher(line.strip());
            if (!line.strip().startsWith("#") && m.matches()) {
                instructions.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(m.group(2).strip());
            }
        }
        return instructions;
    }

    /** The keys of one section of a systemd unit, each with its values in order. */
    private static Map<String, List<String>> section(String unit, String name) {
        var keys = new LinkedHashMap<String, List<String>>();
        var in = false;
        for (var line : unit.lines().toList()) {
            var stripped = line.strip();
            if (stripped.startsWith("[")) {
                in = stripped.equals("[" + name + "]");
            } else if (in && !stripped.startsWith("#") && stripped.contains("=")) {
                var at = stripped.indexOf('=');
                keys.computeIfAbsent(stripped.substring(0, at), k -> new ArrayList<>()).add(stripped.substring(at + 1));
            }
        }
        return keys;
    }
}
