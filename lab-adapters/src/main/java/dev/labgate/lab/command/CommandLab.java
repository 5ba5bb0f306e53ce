package dev.labgate.lab.command;

import dev.labgate.core.kcidb.Build;
import dev.labgate.core.kcidb.Checkout;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.kcidb.Test;
import dev.labgate.core.lab.Lab;
import dev.labgate.core.lab.LabException;
import dev.labgate.core.lab.LabProgress;
import dev.labgate.core.lab.LabRun;
import dev.labgate.core.lab.TreeRequest;
import dev.labgate.lab.git.TreeFetcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * The embedded lab: runs a configured command on the labgate host, in a fresh checkout of the
 * head commit.
 *
 * <p>Everything about a run lives in its directory ({@code <work>/<run id>/}): {@code started}
 * (when), {@code pid}, {@code output.log}, and {@code exit} once the command ended. The command
 * runs under a small shell wrapper that writes {@code exit} itself, so a run survives a restart of
 * labgate: the next poll still finds its result. A run whose directory has neither a live
 * process nor an {@code exit} file was lost (labgate stopped while fetching) and is reported so.
 * Submitting a run that is still starting or running returns it; submitting one that has an
 * {@code exit} file starts it afresh (that is a retry).
 *
 * <p>Results: the command's exit status is the test {@code command} (0 passes, anything else
 * fails, a run killed at the timeout is ERROR: the harness stopped it, nothing is known about the
 * code). When the output holds KTAP or TAP results (KUnit, kselftest), each test case is a test of
 * its own ({@code kunit.<suite>.<case>}, {@code kselftest.<collection>.<test>}; see {@link Ktap}).
 */
public final class CommandLab implements Lab {

    private static final Logger LOG = LoggerFactory.getLogger(CommandLab.class);
    private static final String ORIGIN = "labgate";
    private static final String WRAPPER =
            "sh -c \"$LABGATE_COMMAND\" > ../output.log 2>&1 < /dev/null; echo $? > ../exit.tmp; mv ../exit.tmp ../exit";
    private static final String TIMEOUT = "timeout";
    private static final String CANCELLED = "cancelled";
    private static final String FETCH_FAILED = "fetch-failed";
    private static final String START_FAILED = "start-failed";
    /** How much of the output is read for KTAP results: all of it, up to a size no test log reaches. */
    private static final long KTAP_MAX_BYTES = 64L << 20;

    private final String name;
    private final CommandSettings settings;
    private final Path work;
    private final TreeFetcher fetcher;
    private final ExecutorService executor;
    private final Clock clock;
    private final Map<String, Future<?>> starting = new ConcurrentHashMap<>();

    public CommandLab(String name, CommandSettings settings, Path work, TreeFetcher fetcher, ExecutorService executor,
                      Clock clock) {
        this.name = name;
        this.settings = settings;
        this.work = work;
        this.fetcher = fetcher;
        this.executor = executor;
        this.clock = clock;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Duration pollInterval() {
        return Duration.ofSeconds(1);
    }

    @Override
    public synchronized LabRun submit(TreeRequest request) {
        var dir = work.resolve(request.runId());
        var handle = new LabRun(name, request.runId(), null);
        if (!Files.exists(dir.resolve("exit")) && (isStarting(request.runId()) || processAlive(dir))) {
            return handle;
        }
        try {
            deleteTree(dir);
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("started"), clock.instant().toString());
        } catch (IOException e) {
            throw new LabException("cannot prepare " + dir + ": " + e.getMessage(), true, e);
        }
        starting.put(request.runId(), executor.submit(() -> start(request, dir)));
        return handle;
    }

    private void start(TreeRequest request, Path dir) {
        try {
            var tree = dir.resolve("tree");
            try {
                fetcher.checkout(request.cloneUrl(), request.fetchRef(), request.commit(), tree);
            } catch (TreeFetcher.FetchFailed e) {
                Files.writeString(dir.resolve("output.log"), e.getMessage() + "\n");
                writeExit(dir, FETCH_FAILED);
                return;
            }
            var builder = new ProcessBuilder("sh", "-c", WRAPPER).directory(tree.toFile());
            var env = builder.environment();
            env.putAll(settings.env());
            env.put("LABGATE_COMMAND", settings.command());
            env.put("LABGATE_RUN_ID", request.runId());
            env.put("LABGATE_COMMIT", request.commit());
            env.put("LABGATE_BASE_COMMIT", request.baseCommit() == null ? "" : request.baseCommit());
            env.put("LABGATE_REPOSITORY", request.subject().repo().fullName());
            env.put("LABGATE_TESTS", String.join(" ", request.tests()));
            var process = builder.start();
            Files.writeString(dir.resolve("pid"), Long.toString(process.pid()));
            LOG.info("run {}: command started as pid {} in {}", request.runId(), process.pid(), tree);
        } catch (IOException e) {
            LOG.warn("run {}: command could not start: {}", request.runId(), e.getMessage());
            try {
                Files.writeString(dir.resolve("output.log"), "the command could not start: " + e.getMessage() + "\n");
                writeExit(dir, START_FAILED);
            } catch (IOException ignored) {
                // the run then reads as lost, and is retried
            }
        } finally {
            starting.remove(request.runId());
        }
    }

    @Override
    public LabProgress poll(LabRun run) {
        var dir = work.resolve(run.externalId());
        try {
            if (Files.exists(dir.resolve("exit"))) {
                return ended(run.externalId(), dir);
            }
            if (isStarting(run.externalId())) {
                return new LabProgress.Running("fetching the tree");
            }
            if (processAlive(dir)) {
                var started = Instant.parse(Files.readString(dir.resolve("started")).trim());
                if (clock.instant().isAfter(started.plus(settings.timeout()))) {
                    kill(dir);
                    writeExit(dir, TIMEOUT);
                    return new LabProgress.Finished(results(run.externalId(), dir));
                }
                return new LabProgress.Running("running the command");
            }
            if (Files.exists(dir.resolve("exit"))) {
                return ended(run.externalId(), dir);
            }
            return new LabProgress.Lost("the run's process is gone without an exit status");
        } catch (IOException e) {
            throw new LabException("cannot read the state of run " + run.externalId() + ": " + e.getMessage(), true, e);
        }
    }

    @Override
    public void cancel(LabRun run) {
        var dir = work.resolve(run.externalId());
        try {
            if (!Files.exists(dir.resolve("exit"))) {
                kill(dir);
                writeExit(dir, CANCELLED);
            }
        } catch (IOException e) {
            throw new LabException("cannot cancel run " + run.externalId() + ": " + e.getMessage(), true, e);
        }
    }

    /**
     * A run whose exit file is written: its results, unless the tree never got to the command. A
     * tree that could not be fetched is a git outage, not a result: named as one, and retried.
     */
    private LabProgress ended(String runId, Path dir) throws IOException {
        var exit = Files.readString(dir.resolve("exit")).trim();
        if (FETCH_FAILED.equals(exit) || START_FAILED.equals(exit)) {
            var why = Files.readString(dir.resolve("output.log")).lines().findFirst().orElse("").strip();
            return new LabProgress.Lost((FETCH_FAILED.equals(exit) ? "git: " : "") + why);
        }
        return new LabProgress.Finished(results(runId, dir));
    }

    private KcidbData results(String runId, Path dir) throws IOException {
        var exit = Files.readString(dir.resolve("exit")).trim();
        var output = tail(dir.resolve("output.log"), settings.maxOutputBytes());
        deleteTree(dir.resolve("tree"));
        var checkoutId = ORIGIN + ":" + runId;
        var buildId = checkoutId + ".build";
        var checkout = Checkout.of(checkoutId, ORIGIN).withValid(true);
        var build = Build.of(buildId, checkoutId, ORIGIN).withStatus(Status.PASS);
        Status status;
        String comment;
        switch (exit) {
            case TIMEOUT -> {
                status = Status.ERROR;
                comment = "killed after " + settings.timeout().toString().substring(2).toLowerCase(Locale.ROOT);
            }
            case CANCELLED -> {
                status = Status.SKIP;
                comment = "cancelled";
            }
            default -> {
                int code = Integer.parseInt(exit);
                status = code == 0 ? Status.PASS : Status.FAIL;
                comment = "exit status " + code;
            }
        }
        var misc = new HashMap<String, Object>();
        misc.put("comment", comment);
        var tests = new ArrayList<Test>();
        tests.add(Test.of(checkoutId + ".command", buildId, ORIGIN, "command", status)
                .withLog(null, excerpt(output))
                .withMisc(misc));
        int n = 0;
        for (var entry : Ktap.tests(Ktap.parse(tail(dir.resolve("output.log"), KTAP_MAX_BYTES))).entrySet()) {
            var result = entry.getValue();
            var broken = result.status() == Status.FAIL || result.status() == Status.ERROR;
            var test = Test.of(checkoutId + ".ktap." + ++n, buildId, ORIGIN, entry.getKey(), result.status())
                    .withLog(null, broken ? result.log() : null);
            if (result.directive() != null) {
                test = test.withMisc(Map.of("directive", result.directive()));
            }
            tests.add(test);
        }
        return KcidbData.of(List.of(checkout), List.of(build), tests);
    }

    private boolean isStarting(String runId) {
        var future = starting.get(runId);
        return future != null && !future.isDone();
    }

    private static boolean processAlive(Path dir) {
        var pidFile = dir.resolve("pid");
        if (!Files.exists(pidFile)) {
            return false;
        }
        try {
            var pid = Long.parseLong(Files.readString(pidFile).trim());
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    private static void kill(Path dir) throws IOException {
        var pidFile = dir.resolve("pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        var pid = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle.of(pid).ifPresent(p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        });
    }

    private static void writeExit(Path dir, String value) throws IOException {
        var tmp = dir.resolve("exit.labgate");
        Files.writeString(tmp, value + "\n");
        Files.move(tmp, dir.resolve("exit"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The last {@code max} bytes of a file, from the first whole line. */
    static String tail(Path file, long max) throws IOException {
        if (!Files.exists(file)) {
            return "";
        }
        try (var raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            long from = Math.max(0, length - max);
            raf.seek(from);
            var bytes = new byte[(int) (length - from)];
            raf.readFully(bytes);
            var text = new String(bytes, StandardCharsets.UTF_8);
            if (from > 0) {
                var newline = text.indexOf('\n');
                text = "[… earlier output cut …]\n" + (newline >= 0 ? text.substring(newline + 1) : text);
            }
            return text;
        }
    }

    /** The end of the output, short enough for a KCIDB log excerpt and a summary. */
    private static String excerpt(String output) {
        var lines = output.strip().split("\n");
        var from = Math.max(0, lines.length - 30);
        return String.join("\n", List.of(lines).subList(from, lines.length));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
