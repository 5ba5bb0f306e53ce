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
import dev.labgate.kcidb.LogExcerpt;
import dev.labgate.kcidb.findings.Findings;
import dev.labgate.lab.git.TreeFetcher;
import dev.labgate.lab.sandbox.Limits;
import dev.labgate.lab.sandbox.RunDirectory;
import dev.labgate.lab.sandbox.Sandbox;
import dev.labgate.lab.sandbox.Usage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The embedded lab: runs a configured command on the labgate host, in a fresh checkout of the
 * head commit, inside the lab's {@link Sandbox}: the command is the change's own code.
 *
 * <p>Everything about a run lives in its directory ({@code <work>/<run id>/}): {@code started}
 * (when), {@code pid} (of the wrapper below), {@code tree/} (the checkout), {@code tmp/}, the
 * sandbox's {@code sandbox.json}, {@code output.log}, and {@code exit} once the command ended. A
 * small shell wrapper, detached from labgate, runs the sandbox, cuts the output at the lab's limit
 * and writes {@code exit} itself, so a run survives a restart of labgate: the next poll still finds
 * its result. A run whose directory has neither a live wrapper nor an {@code exit} file was lost
 * (labgate stopped while fetching, or the host restarted) and is reported so, to be retried.
 * Submitting a run that is still starting or running returns it; submitting one that has an
 * {@code exit} file starts it afresh (that is a retry).
 *
 * <p>Each poll holds the run to its limits: wall time, then output, processes, CPU time and
 * memory of the sandbox's processes, and (at most every few seconds, as it walks the tree) disk.
 * A run past one is stopped, its whole process tree killed, and is an error of the harness.
 *
 * <p>Results: the command's exit status is the test {@code command} (0 passes, anything else
 * fails; a run stopped at a limit, or whose sandbox could not start, is ERROR: nothing is known
 * about the code). When the output holds KTAP or TAP results (KUnit, kselftest), each test case is
 * a test of its own ({@code kunit.<suite>.<case>}, {@code kselftest.<collection>.<test>}; see
 * {@link Ktap}), and {@code command} is reported only where the cases do not account for its
 * status. A failure's {@code log_excerpt} is its own words: a case's diagnostics with its parents',
 * the kernel's reports ({@link LogExcerpt}) and the end of the output, cut to KCIDB's limit. Every
 * result links to the whole output ({@link #log}) where labgate serves it.
 * The lines of the whole output that tools' findings are read from (checkpatch, compiler,
 * sparse/smatch diagnostics; see {@link Findings}) are the build's log excerpt, so that findings
 * early in a long output are not lost with the rest of it.
 */
public final class CommandLab implements Lab {

    private static final Logger LOG = LoggerFactory.getLogger(CommandLab.class);
    private static final String ORIGIN = "labgate";
    /**
     * Runs the sandbox's command line (after the output limit) in the run's directory: its output
     * cut at the limit into {@code output.log}, file descriptor 3 on {@code sandbox.json}, its exit
     * status into {@code exit}.
     */
    private static final String WRAPPER = """
            umask 077
            limit=$1; shift
            ( "$@" < /dev/null 2>&1 3> sandbox.json; echo $? > exit.tmp ) | head -c "$limit" > output.log
            mv exit.tmp exit
            """;
    private static final String TIMEOUT = "timeout";
    private static final String CANCELLED = "cancelled";
    private static final String FETCH_FAILED = "fetch-failed";
    private static final String START_FAILED = "start-failed";
    private static final Pattern CHILD_PID = Pattern.compile("\"child-pid\":\\s*(\\d+)");
    /** The disk is measured by walking the tree: at most this often, and at most 5% of the time. */
    private static final Duration DISK_INTERVAL = Duration.ofSeconds(2);
    private static final int DISK_COST_FACTOR = 20;
    /** How much of the output is read for KTAP results: all of it, up to a size no test log reaches. */
    private static final long KTAP_MAX_BYTES = 64L << 20;
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    /** KCIDB's limit on a log excerpt (kcidb-io schema: log_excerpt maxLength). */
    private static final int MAX_LOG_EXCERPT = 16_384;

    private final String name;
    private final CommandSettings settings;
    private final Path work;
    private final Sandbox sandbox;
    private final TreeFetcher fetcher;
    private final ExecutorService executor;
    private final Clock clock;
    private final Map<String, Future<?>> starting = new ConcurrentHashMap<>();
    /** When each run's disk may next be measured (System.nanoTime), so that walking trees stays cheap. */
    private final Map<String, Long> nextDiskCheck = new ConcurrentHashMap<>();

    public CommandLab(String name, CommandSettings settings, Sandbox sandbox, Path work, TreeFetcher fetcher,
                      ExecutorService executor, Clock clock) {
        this.name = name;
        this.settings = settings;
        this.sandbox = sandbox;
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

    /**
     * The directory of a run: its tree ({@code tree/}, deleted once the run is read), its
     * {@code output.log}, and what the command leaves next to the tree ({@code ../} from where it
     * runs), which stays until the run is submitted again.
     */
    public Path runDirectory(String runId) {
        return work.resolve(runId);
    }

    @Override
    public synchronized LabRun submit(TreeRequest request) {
        var dir = work.resolve(request.runId());
        var handle = new LabRun(name, request.runId(), null);
        if (!Files.exists(dir.resolve("exit")) && (isStarting(request.runId()) || processAlive(dir))) {
            return handle;
        }
        try {
            RunDirectory.delete(dir);
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
            var workspace = new Sandbox.Workspace(dir, borrowedObjects(tree));
            if (workspace.objects().isPresent()) {
                Files.writeString(alternates(tree), sandbox.objectsPath(workspace) + "\n");
            }
            sandbox.prepare(workspace);
            var line = new ArrayList<>(List.of("sh", "-c", WRAPPER, "labgate-run",
                    Long.toString(settings.limits().output())));
            line.addAll(sandbox.commandLine(workspace, settings.command(), environment(request), settings.limits()));
            var builder = new ProcessBuilder(line).directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            // Built from nothing: labgate's own environment holds its secrets.
            builder.environment().clear();
            builder.environment().put("PATH", Sandbox.PATH);
            var process = builder.start();
            Files.writeString(dir.resolve("pid"), Long.toString(process.pid()));
            LOG.info("run {}: command started as pid {} in {} ({})", request.runId(), process.pid(), tree,
                    sandbox.description());
        } catch (IOException e) {
            LOG.warn("run {}: command could not start: {}", request.runId(), e.getMessage());
            try {
                Files.writeString(dir.resolve("output.log"), "the command could not start: " + e.getMessage() + "\n");
                writeExit(dir, START_FAILED);
            } catch (IOException ignored) {
                // the run then reads as lost, and is retried
            }
        } catch (RuntimeException e) {
            LOG.warn("run {}: command could not start, the run will read as lost and be retried", request.runId(), e);
        } finally {
            starting.remove(request.runId());
        }
    }

    /** The command's whole environment: the search path, the lab's {@code env}, and the run's variables. */
    private Map<String, String> environment(TreeRequest request) {
        var env = new HashMap<String, String>();
        env.put("PATH", Sandbox.PATH);
        env.putAll(settings.env());
        env.put("LABGATE_RUN_ID", request.runId());
        env.put("LABGATE_COMMIT", request.commit());
        env.put("LABGATE_BASE_COMMIT", request.baseCommit() == null ? "" : request.baseCommit());
        env.put("LABGATE_REPOSITORY", request.subject().repo().fullName());
        env.put("LABGATE_TESTS", String.join(" ", request.tests()));
        return env;
    }

    private static Path alternates(Path tree) {
        return tree.resolve(".git/objects/info/alternates");
    }

    /** The object directory the checkout borrows from (the shared mirror's), if it does. */
    private static Optional<Path> borrowedObjects(Path tree) throws IOException {
        var file = alternates(tree);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.isEmpty()).findFirst()
                .map(Path::of);
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
                var passed = clock.instant().isAfter(started.plus(settings.timeout())) ? Optional.of(TIMEOUT)
                        : limitPassed(run.externalId(), dir);
                if (passed.isPresent()) {
                    kill(dir);
                    writeExit(dir, passed.get());
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

    /** The limit a running command has passed (the word of a {@link Limit}), if any. */
    private Optional<String> limitPassed(String runId, Path dir) throws IOException {
        var limits = settings.limits();
        var output = dir.resolve("output.log");
        if (Files.exists(output) && Files.size(output) >= limits.output()) {
            return Optional.of(Limit.OUTPUT.word);
        }
        var root = sandboxRoot(dir).flatMap(ProcessHandle::of);
        if (root.isPresent()) {
            var usage = Usage.of(root.get());
            if (usage.tasks() >= limits.processes()) {
                return Optional.of(Limit.PROCESSES.word);
            }
            if (limits.cpu().filter(cpu -> usage.cpu().compareTo(cpu) > 0).isPresent()) {
                return Optional.of(Limit.CPU.word);
            }
            if (limits.memory().filter(memory -> usage.resident() > memory).isPresent()) {
                return Optional.of(Limit.MEMORY.word);
            }
        }
        long now = System.nanoTime();
        if (now - nextDiskCheck.getOrDefault(runId, now) >= 0) {
            var bytes = RunDirectory.bytes(List.of(dir.resolve("tree"), dir.resolve("tmp")));
            var cost = Duration.ofNanos(System.nanoTime() - now);
            var wait = cost.multipliedBy(DISK_COST_FACTOR);
            nextDiskCheck.put(runId, System.nanoTime() + (wait.compareTo(DISK_INTERVAL) > 0 ? wait : DISK_INTERVAL)
                    .toNanos());
            if (bytes > limits.disk()) {
                return Optional.of(Limit.DISK.word);
            }
        }
        return Optional.empty();
    }

    /** The host pid of the sandbox's first process, once the sandbox has started it. */
    private static Optional<Long> sandboxRoot(Path dir) throws IOException {
        var status = dir.resolve("sandbox.json");
        if (!Files.exists(status)) {
            return Optional.empty();
        }
        var matcher = CHILD_PID.matcher(Files.readString(status));
        return matcher.find() ? Optional.of(Long.parseLong(matcher.group(1))) : Optional.empty();
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

    /** The whole output of the run's latest attempt, its last {@code max-output} bytes; empty when there is none. */
    @Override
    public Optional<String> log(LabRun run) {
        var file = work.resolve(run.externalId()).resolve("output.log");
        try {
            return Files.exists(file) ? Optional.of(tail(file, settings.maxOutputBytes())) : Optional.empty();
        } catch (IOException e) {
            throw new LabException("cannot read the output of run " + run.externalId() + ": " + e.getMessage(), true, e);
        }
    }

    private KcidbData results(String runId, Path dir) throws IOException {
        var exit = Files.readString(dir.resolve("exit")).trim();
        var output = tail(dir.resolve("output.log"), settings.maxOutputBytes());
        RunDirectory.delete(dir.resolve("tree"));
        RunDirectory.delete(dir.resolve("tmp"));
        nextDiskCheck.remove(runId);
        var logUrl = settings.logUrl().apply(runId);
        var checkoutId = ORIGIN + ":" + runId;
        var buildId = checkoutId + ".build";
        var checkout = Checkout.of(checkoutId, ORIGIN).withValid(true);
        var whole = tail(dir.resolve("output.log"), KTAP_MAX_BYTES);
        var diagnostics = Findings.excerpt(whole, MAX_LOG_EXCERPT);
        var build = Build.of(buildId, checkoutId, ORIGIN).withStatus(Status.PASS)
                .withLog(logUrl, diagnostics.isEmpty() ? null : diagnostics);
        Status status;
        String comment;
        var limit = Limit.of(exit);
        if (limit.isPresent()) {
            status = Status.ERROR;
            comment = limit.get().comment(settings.limits());
        } else if (TIMEOUT.equals(exit)) {
            status = Status.ERROR;
            comment = "killed after " + duration(settings.timeout());
        } else if (CANCELLED.equals(exit)) {
            status = Status.SKIP;
            comment = "cancelled";
        } else if (sandboxRoot(dir).isEmpty()) {
            status = Status.ERROR;
            comment = "the sandbox could not start (" + sandbox.description() + ")";
        } else if (Files.size(dir.resolve("output.log")) >= settings.limits().output()) {
            // The command ended on its own once the output was cut (a write past the cut kills it).
            status = Status.ERROR;
            comment = Limit.OUTPUT.comment(settings.limits());
        } else if (Limit.ofSignal(exit).isPresent()) {
            status = Status.ERROR;
            comment = Limit.ofSignal(exit).get().comment(settings.limits());
        } else {
            int code = Integer.parseInt(exit);
            status = code == 0 ? Status.PASS : Status.FAIL;
            comment = "exit status " + code;
        }
        var misc = new HashMap<String, Object>();
        misc.put("comment", comment);
        // When labgate ended the command, the excerpt's last line says why: a verdict shows that line.
        var log = status == Status.ERROR || status == Status.SKIP ? excerpt(output + "\nlabgate: " + comment)
                : excerpt(output);
        var cases = new ArrayList<Test>();
        int n = 0;
        for (var entry : Ktap.tests(Ktap.parse(whole)).entrySet()) {
            var result = entry.getValue();
            var broken = result.status() == Status.FAIL || result.status() == Status.ERROR;
            var test = Test.of(checkoutId + ".ktap." + ++n, buildId, ORIGIN, entry.getKey(), result.status())
                    .withLog(logUrl, broken ? LogExcerpt.fit(result.log()) : null);
            if (result.directive() != null) {
                test = test.withMisc(Map.of("directive", result.directive()));
            }
            cases.add(test);
        }
        var tests = new ArrayList<Test>();
        if (commandCounts(status, cases)) {
            tests.add(Test.of(checkoutId + ".command", buildId, ORIGIN, "command", status)
                    .withLog(logUrl, log)
                    .withMisc(misc));
        }
        tests.addAll(cases);
        return KcidbData.of(List.of(checkout), List.of(build), tests);
    }

    /** The limits a run is stopped at: the word its exit file then holds, and what its result says. */
    private enum Limit {
        OUTPUT("limit-output"), PROCESSES("limit-processes"), CPU("limit-cpu"), MEMORY("limit-memory"),
        DISK("limit-disk");

        final String word;

        Limit(String word) {
            this.word = word;
        }

        static Optional<Limit> of(String word) {
            return Stream.of(values()).filter(l -> l.word.equals(word)).findFirst();
        }

        /** The limit the kernel killed the command for, from its exit status (128 + SIGXCPU or SIGXFSZ). */
        static Optional<Limit> ofSignal(String exit) {
            return switch (exit) {
                case "152" -> Optional.of(CPU);
                case "153" -> Optional.of(DISK);
                default -> Optional.empty();
            };
        }

        String comment(Limits limits) {
            return "stopped: " + switch (this) {
                case OUTPUT -> "printed more than the lab's limit of " + size(limits.output());
                case PROCESSES -> "reached the lab's limit of " + limits.processes() + " processes and threads";
                case CPU -> "used more than the lab's limit of " + limits.cpu().map(CommandLab::duration).orElse("")
                        + " of CPU time";
                case MEMORY -> "used more than the lab's limit of " + limits.memory().map(CommandLab::size).orElse("")
                        + " of memory";
                case DISK -> "wrote more than the lab's limit of " + size(limits.disk())
                        + " (the checkout and /tmp together)";
            };
        }
    }

    private static String duration(Duration duration) {
        return duration.toString().substring(2).toLowerCase(Locale.ROOT);
    }

    /** A size as the policy writes it: 64M, 1G, 512K, or bytes. */
    static String size(long bytes) {
        for (var unit : List.of(Map.entry("G", 1L << 30), Map.entry("M", 1L << 20), Map.entry("K", 1L << 10))) {
            if (bytes >= unit.getValue() && bytes % unit.getValue() == 0) {
                return bytes / unit.getValue() + unit.getKey();
            }
        }
        return bytes + " bytes";
    }

    /**
     * Whether the command's own status is a result of its own: always without KTAP results, else
     * only when the cases do not account for it (it failed or broke while every case passed, or it
     * was killed). So a failing KUnit case counts once, and the counts are the cases'.
     */
    private static boolean commandCounts(Status command, List<Test> cases) {
        if (cases.isEmpty()) {
            return true;
        }
        return switch (command) {
            case PASS, SKIP, DONE -> false;
            case FAIL -> cases.stream().noneMatch(t -> t.status() == Status.FAIL || t.status() == Status.ERROR);
            case ERROR, MISS -> true;
        };
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

    /**
     * Kills the wrapper first (so that it cannot write an exit status of its own), then everything
     * below it; bubblewrap's first process in the sandbox dies with its parent, and takes every
     * process of its pid namespace with it, forked after the listing or not.
     */
    private static void kill(Path dir) throws IOException {
        var pidFile = dir.resolve("pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        var pid = Long.parseLong(Files.readString(pidFile).trim());
        var wrapper = ProcessHandle.of(pid);
        if (wrapper.isEmpty()) {
            return;
        }
        var below = wrapper.get().descendants().toList();
        wrapper.get().destroyForcibly();
        below.forEach(ProcessHandle::destroyForcibly);
        var deadline = System.nanoTime() + KILL_WAIT.toNanos();
        for (var process : below) {
            try {
                process.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("process {} of {} still runs after being killed", process.pid(), dir);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
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

    /**
     * What the output says went wrong, within KCIDB's limit: the kernel's own reports (oops,
     * panic, BUG, KASAN, WARNING) wherever they are, then the end of the output.
     */
    private static String excerpt(String output) {
        var lines = output.strip().split("\n");
        var from = Math.max(0, lines.length - 30);
        var end = String.join("\n", List.of(lines).subList(from, lines.length));
        var reports = LogExcerpt.kernelReports(output).stream().filter(r -> !end.contains(r)).toList();
        return LogExcerpt.fit(reports.isEmpty() ? end : String.join("\n", reports) + "\n[…]\n" + end);
    }

}
