package dev.labgate.lab.lava;

import dev.labgate.core.kcidb.Build;
import dev.labgate.core.kcidb.Checkout;
import dev.labgate.core.kcidb.Environment;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.kcidb.Test;
import dev.labgate.core.kcidb.TestNumber;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A finished LAVA job's test cases as KCIDB objects, the same whether they came in the job's
 * callback or from the REST API.
 *
 * <p>Cases of the operator's test suites keep their result ({@code unknown} is ERROR). LAVA's own
 * {@code lava} suite describes the job, not the kernel, and is read as KernelCI reads it: a boot
 * ({@code lava.login}) that never reached a login prompt fails the code unless the job broke on
 * infrastructure; {@code lava.kernel-messages} fails on a panic or oops; and an incomplete or
 * cancelled job is {@code lava.job} with ERROR or MISS, never FAIL. Pure and thread-safe.
 */
final class LavaResults {

    static final String ORIGIN = "labgate";

    /** LAVA error types for which nothing ran (KCIDB MISS); every other one is ERROR. */
    private static final Set<String> MISSED = Set.of("Bug", "Configuration", "Job", "ObjectNotPersisted",
            "Unexisting permission codename.");
    private static final Set<String> LOGIN_CASES = Set.of("auto-login-action", "login-action");
    private static final Pattern PATH_CHARS = Pattern.compile("[^A-Za-z0-9_-]");
    private static final Pattern SUITE_INDEX = Pattern.compile("^\\d+_");

    /** One LAVA test case; {@code metadata} is its action metadata ({@code error_type}, {@code set}, ...). */
    record Case(String id, String suite, String name, String result, String measurement, String unit,
                Map<String, Object> metadata) {
        Case {
            metadata = metadata == null ? Map.of() : metadata;
        }

        String metadata(String key) {
            var value = metadata.get(key);
            return value == null ? null : value.toString();
        }
    }

    /** The job itself: its id, health ({@code Complete}, {@code Incomplete}, {@code Canceled}) and device. */
    record Job(String id, String health, String failureComment, String device) {
    }

    private LavaResults() {
    }

    static KcidbData toKcidb(String runId, String serverUrl, Job job, List<Case> cases) {
        var checkoutId = ORIGIN + ":" + runId;
        var buildId = checkoutId + ".kernel";
        var prefix = checkoutId + ".lava." + job.id() + ".";
        var jobUrl = serverUrl + "/scheduler/job/" + job.id();
        var logUrl = jobUrl + "/log_file/plain";
        var environmentMisc = new LinkedHashMap<String, Object>();
        environmentMisc.put("job_id", job.id());
        environmentMisc.put("job_url", jobUrl);
        if (job.device() != null) {
            environmentMisc.put("device", job.device());
        }
        var environment = new Environment("LAVA job " + job.id() + (job.device() == null ? "" : " on " + job.device()),
                null, environmentMisc);

        var tests = new ArrayList<Test>();
        var lava = new ArrayList<Case>();
        int index = 0;
        for (var c : cases) {
            index++;
            if ("lava".equals(c.suite())) {
                lava.add(c);
                continue;
            }
            var suite = SUITE_INDEX.matcher(c.suite()).replaceFirst("");
            var set = c.metadata("set");
            var path = component(suite) + (set == null ? "" : "." + component(set)) + "." + component(c.name());
            var status = switch (Objects.requireNonNullElse(c.result(), "unknown")) {
                case "pass" -> Status.PASS;
                case "fail" -> Status.FAIL;
                case "skip" -> Status.SKIP;
                default -> Status.ERROR;
            };
            var misc = new LinkedHashMap<String, Object>();
            misc.put("lava_suite", c.suite());
            tests.add(new Test(prefix + (c.id() == null ? "case" + index : c.id()), buildId, ORIGIN, environment,
                    path, null, logUrl, null, status, number(c), null, null, null, null, misc, null));
        }

        var jobCase = lava.stream().filter(c -> "job".equals(c.name())).findFirst();
        var errorType = jobCase.map(c -> c.metadata("error_type")).orElse(null);
        var errorMessage = jobCase.map(c -> c.metadata("error_msg")).orElse(job.failureComment());
        var infrastructure = "Infrastructure".equals(errorType) || "Canceled".equals(job.health());

        var logins = lava.stream().filter(c -> LOGIN_CASES.contains(c.name())).toList();
        if (!logins.isEmpty()) {
            // With failure_retry a boot is tried several times: one login is enough.
            var booted = logins.stream().anyMatch(c -> "pass".equals(c.result()));
            var status = booted ? Status.PASS : infrastructure ? Status.ERROR : Status.FAIL;
            tests.add(lavaTest(prefix + "login", buildId, environment, "lava.login", status,
                    booted ? null : errorMessage, logUrl));
        }
        var kernelMessages = lava.stream().filter(c -> "kernel-messages".equals(c.name())).toList();
        if (!kernelMessages.isEmpty()) {
            var clean = kernelMessages.stream().noneMatch(c -> "fail".equals(c.result()));
            tests.add(lavaTest(prefix + "kernel-messages", buildId, environment, "lava.kernel-messages",
                    clean ? Status.PASS : Status.FAIL, clean ? null : "kernel panic, oops or similar in the log",
                    logUrl));
        }
        if (!"Complete".equals(job.health())) {
            Status status;
            if ("Canceled".equals(job.health())) {
                status = Status.ERROR;
            } else {
                status = errorType != null && MISSED.contains(errorType) ? Status.MISS : Status.ERROR;
            }
            var comment = "Canceled".equals(job.health()) ? "the job was cancelled"
                    : (errorType == null ? "the job did not complete" : errorType + " error")
                    + (errorMessage == null || errorMessage.isBlank() ? "" : ": " + errorMessage);
            tests.add(lavaTest(prefix + "job", buildId, environment, "lava.job", status, comment, logUrl));
        }

        var checkout = Checkout.of(checkoutId, ORIGIN);
        var build = new Build(buildId, checkoutId, ORIGIN, "the kernel the LAVA job booted", null, null, null, null,
                null, null, null, null, null, null, null, null, null, null);
        return KcidbData.of(List.of(checkout), List.of(build), tests);
    }

    private static Test lavaTest(String id, String buildId, Environment environment, String path, Status status,
                                 String comment, String logUrl) {
        return new Test(id, buildId, ORIGIN, environment, path, comment, logUrl, comment, status, null, null, null,
                null, null, null, null);
    }

    private static TestNumber number(Case c) {
        if (c.measurement() == null || c.measurement().isBlank() || "None".equals(c.measurement())) {
            return null;
        }
        try {
            var unit = c.unit() == null || c.unit().isBlank() || "None".equals(c.unit()) ? null : c.unit();
            return new TestNumber(new BigDecimal(c.measurement()), null, unit);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String component(String part) {
        var cleaned = PATH_CHARS.matcher(part == null ? "" : part).replaceAll("_");
        return cleaned.isEmpty() ? "_" : cleaned;
    }
}
