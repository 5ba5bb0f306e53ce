package dev.labgate.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a day of KCIDB as several CI systems report it: builds across origins, architectures
 * and configurations, tests with the fields KernelCI and others send (environment with platform
 * and compatible, log URL, timing, misc), a few percent failing with log excerpts, and some
 * issues and incidents. The head and its baseline share builds configurations and test paths,
 * so that the verdict compares like with like; their failures differ, as a day's do.
 */
final class DayOfKcidb {

    static final String[] ORIGINS = {"maestro", "maestro", "maestro", "maestro", "maestro", "cki", "cki", "lkft",
            "lkft", "broonie"};
    static final String[] ARCHITECTURES = {"x86_64", "arm64", "arm", "riscv", "i386"};
    static final String[] CONFIGS = {"defconfig", "allmodconfig", "tinyconfig", "multi_v7_defconfig",
            "defconfig+kselftest", "defconfig+debug"};
    static final String[] PLATFORMS = {"qemu-x86", "rk3399-rock-pi-4b", "bcm2711-rpi-4-b", "juno-uboot",
            "imx8mp-evk", "sun50i-h6-pine-h64", "meson-g12b-odroid-n2", "hp-x360-14-G1-sona", "qemu-arm64",
            "beaglebone-black"};
    static final String[] SUITES = {"kselftest.net", "kselftest.cpufreq", "ltp.syscalls", "ltp.mm", "kunit.exec",
            "kselftest.timers", "baseline.dmesg", "kselftest.alsa", "ltp.fs", "kunit.kfence"};

    private final int builds;
    private final int testsPerBuild;

    DayOfKcidb(int builds, int testsPerBuild) {
        this.builds = builds;
        this.testsPerBuild = testsPerBuild;
    }

    /** Writes the document; {@code side} ("head" or "base") changes ids and which tests fail. */
    void write(Path file, String side, long seed) throws IOException {
        var random = new SplittableRandom(seed);
        try (var out = new JsonFactory().createGenerator(Files.newOutputStream(file))) {
            out.writeStartObject();
            out.writeObjectFieldStart("version");
            out.writeNumberField("major", 5);
            out.writeNumberField("minor", 3);
            out.writeEndObject();
            out.writeArrayFieldStart("checkouts");
            for (var origin : new String[] {"maestro", "cki", "lkft", "broonie"}) {
                out.writeStartObject();
                out.writeStringField("id", origin + ":" + side + "-checkout");
                out.writeStringField("origin", origin);
                out.writeStringField("tree_name", "mainline");
                out.writeStringField("git_repository_url", "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git");
                out.writeStringField("git_repository_branch", "master");
                out.writeStringField("git_commit_hash", side.equals("head") ? "a".repeat(40) : "b".repeat(40));
                out.writeBooleanField("valid", true);
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeArrayFieldStart("builds");
            for (int b = 0; b < builds; b++) {
                writeBuild(out, side, b, random);
            }
            out.writeEndArray();
            out.writeArrayFieldStart("tests");
            var failing = 0;
            for (int b = 0; b < builds; b++) {
                for (int t = 0; t < testsPerBuild; t++) {
                    failing += writeTest(out, side, b, t, random) ? 1 : 0;
                }
            }
            out.writeEndArray();
            out.writeArrayFieldStart("issues");
            for (int i = 0; i < 50; i++) {
                out.writeStartObject();
                out.writeStringField("id", "maestro:issue-" + i);
                out.writeNumberField("version", 1);
                out.writeStringField("origin", "maestro");
                out.writeStringField("report_subject", "known failure " + i);
                out.writeObjectFieldStart("culprit");
                out.writeBooleanField("code", false);
                out.writeBooleanField("tool", true);
                out.writeBooleanField("harness", false);
                out.writeEndObject();
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeArrayFieldStart("incidents");
            // A fifth of the failing tests of maestro are linked to a known issue.
            for (int i = 0; i < failing / 5; i++) {
                out.writeStartObject();
                out.writeStringField("id", "maestro:" + side + "-incident-" + i);
                out.writeStringField("issue_id", "maestro:issue-" + (i % 50));
                out.writeNumberField("issue_version", 1);
                out.writeStringField("origin", "maestro");
                out.writeStringField("test_id", "maestro:" + side + "-t" + (i * 97 % (builds * testsPerBuild)));
                out.writeBooleanField("present", true);
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeEndObject();
        }
    }

    private static String origin(int build) {
        return ORIGINS[build % ORIGINS.length];
    }

    private void writeBuild(JsonGenerator out, String side, int b, SplittableRandom random) throws IOException {
        var origin = origin(b);
        var arch = ARCHITECTURES[(b / ORIGINS.length) % ARCHITECTURES.length];
        var config = CONFIGS[(b / (ORIGINS.length * ARCHITECTURES.length)) % CONFIGS.length];
        out.writeStartObject();
        out.writeStringField("id", origin + ":" + side + "-b" + b);
        out.writeStringField("checkout_id", origin + ":" + side + "-checkout");
        out.writeStringField("origin", origin);
        out.writeStringField("architecture", arch);
        // Every build configuration is unique: a variant number keeps 10,000 builds apart.
        out.writeStringField("config_name", config + "-v" + (b / (ORIGINS.length * ARCHITECTURES.length * CONFIGS.length)));
        out.writeStringField("compiler", b % 3 == 0 ? "clang-17" : "gcc-12");
        out.writeStringField("start_time", "2025-03-01T0" + (b % 10) + ":12:34.567000+00:00");
        out.writeNumberField("duration", 300 + random.nextInt(900));
        out.writeStringField("log_url", "https://files.kernelci.example/" + side + "/b" + b + "/build.log.gz");
        out.writeStringField("config_url", "https://files.kernelci.example/" + side + "/b" + b + "/config");
        out.writeStringField("status", random.nextInt(1000) < 5 ? "FAIL" : "PASS");
        out.writeObjectFieldStart("misc");
        out.writeStringField("lab", "k8s-" + (b % 4));
        out.writeStringField("kernel_type", "bzimage");
        out.writeEndObject();
        out.writeEndObject();
    }

    /** Writes one test; true when it failed. */
    private boolean writeTest(JsonGenerator out, String side, int b, int t, SplittableRandom random) throws IOException {
        var origin = origin(b);
        var n = b * testsPerBuild + t;
        var suite = SUITES[(b + t) % SUITES.length];
        var platform = PLATFORMS[(b * 7 + t) % PLATFORMS.length];
        var roll = random.nextInt(1000);
        var status = roll < 15 ? "FAIL" : roll < 25 ? "ERROR" : roll < 30 ? "MISS" : roll < 50 ? "SKIP" : "PASS";
        out.writeStartObject();
        out.writeStringField("id", origin + ":" + side + "-t" + n);
        out.writeStringField("build_id", origin + ":" + side + "-b" + b);
        out.writeStringField("origin", origin);
        out.writeStringField("path", suite + ".case_" + (t * 31 + b % 7));
        out.writeStringField("status", status);
        out.writeStringField("start_time", "2025-03-01T1" + (n % 10) + ":23:45.123000+00:00");
        out.writeNumberField("duration", random.nextInt(10_000) / 100.0);
        out.writeStringField("log_url", "https://files.kernelci.example/" + side + "/b" + b + "/t" + t + "/log.txt.gz");
        out.writeObjectFieldStart("environment");
        out.writeStringField("comment", "Runtime: lava-" + (b % 5));
        out.writeArrayFieldStart("compatible");
        out.writeString(platform.replace('-', ','));
        out.writeEndArray();
        out.writeObjectFieldStart("misc");
        out.writeStringField("platform", platform);
        out.writeEndObject();
        out.writeEndObject();
        if (!status.equals("PASS") && !status.equals("SKIP")) {
            out.writeStringField("log_excerpt", "[   12.345678] " + suite + ": running case_" + t + "\n"
                    + "[   13.456789] not ok " + t + " case_" + t + " # exit=1\n");
        }
        out.writeObjectFieldStart("misc");
        out.writeStringField("runtime", "lava-" + (b % 5));
        out.writeNumberField("job_id", 1_000_000 + n);
        out.writeEndObject();
        out.writeEndObject();
        return status.equals("FAIL");
    }
}
