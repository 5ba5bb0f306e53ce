package dev.labgate.lab.build;

import dev.labgate.core.kcidb.Build;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.kcidb.Resource;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.kcidb.Test;
import dev.labgate.core.lab.Artifact;
import dev.labgate.core.lab.Lab;
import dev.labgate.core.lab.LabException;
import dev.labgate.core.lab.LabProgress;
import dev.labgate.core.lab.LabRun;
import dev.labgate.core.lab.TreeRequest;
import dev.labgate.lab.artifact.ArtifactStore;
import dev.labgate.lab.artifact.BucketException;
import dev.labgate.lab.command.CommandLab;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A kernel build as a lab: a {@link CommandLab} (so in the same sandbox as every command lab) whose
 * command builds the configuration the policy names, and whose results are the build itself.
 *
 * <p>The command ({@link #script}) builds into {@code .labgate-build/} in the checkout (the
 * sandbox lets it write only there and in its {@code /tmp}): the defconfig, the fragments merged on
 * top ({@code scripts/kconfig/merge_config.sh -m}, then {@code olddefconfig}), the image, the
 * modules when the configuration has them, and the device trees where the architecture boots with
 * them. Once it ended, and before the command lab deletes the checkout, that directory is moved
 * next to it ({@code build/} in the run's directory), and its artifacts are published in the
 * {@link ArtifactStore}: the kernel image ({@code bzImage}, {@code Image}, {@code zImage}),
 * {@code modules.tar.xz}, {@code dtbs/<vendor>/<board>.dtb}, {@code kernel.config} and
 * {@code build.log}; a failed build still publishes its configuration and log. The change's code
 * wrote that directory, so a file in it that is a symbolic link (to labgate's data, to
 * {@code /proc/self/environ}) is left out, never followed. The build directory is then deleted.
 *
 * <p>Results are one KCIDB build: PASS or FAIL as {@code make} ended, ERROR when the harness
 * stopped it (timeout), MISS when the tree could not be fetched, SKIP when cancelled; with the
 * architecture, configuration, compiler, the artifacts as output files, and the warnings and errors
 * of the log as its log excerpt. It has no tests: the stages after it test what it built.
 */
public final class BuildLab implements Lab {

    public static final String BUILD_LOG = "build.log";
    public static final String CONFIG = "kernel.config";
    public static final String MODULES = "modules.tar.xz";
    public static final String DEVICE_TREES = "dtbs/";
    /** Where the command builds, in the checkout. */
    static final String BUILD_DIR = ".labgate-build";
    /** Where the build directory is kept once the command ended, next to the checkout in the run's directory. */
    static final String OUTPUT = "build";
    /** What the publication left out and why, one line each, kept in the run's directory for later polls. */
    private static final String LEFT_OUT = "artifacts-left-out";
    private static final String ORIGIN = "labgate";
    private static final long MAX_LOG_READ = 32L << 20;
    private static final Pattern COMPILER = Pattern.compile("^CONFIG_CC_VERSION_TEXT=\"(.*)\"$", Pattern.MULTILINE);
    private static final Logger LOG = LoggerFactory.getLogger(BuildLab.class);

    private final CommandLab command;
    private final BuildSettings settings;
    private final ArtifactStore store;

    /** @param command the command lab that runs {@link #script(BuildSettings)} of the same settings */
    public BuildLab(CommandLab command, BuildSettings settings, ArtifactStore store) {
        this.command = command;
        this.settings = settings;
        this.store = store;
    }

    @Override
    public String name() {
        return command.name();
    }

    @Override
    public Duration pollInterval() {
        return command.pollInterval();
    }

    @Override
    public LabRun submit(TreeRequest request) {
        return command.submit(request);
    }

    @Override
    public void cancel(LabRun run) {
        command.cancel(run);
    }

    @Override
    public LabProgress poll(LabRun run) {
        try {
            keepBuild(run.externalId());
        } catch (IOException e) {
            throw new LabException("cannot keep the build of run " + run.externalId() + ": " + e.getMessage(), true, e);
        }
        var progress = command.poll(run);
        if (progress instanceof LabProgress.Running running && running.note().startsWith("running")) {
            return new LabProgress.Running("building " + settings.arch().word() + " " + settings.configName());
        }
        if (!(progress instanceof LabProgress.Finished finished)) {
            return progress;
        }
        try {
            return new LabProgress.Finished(results(run.externalId(), finished.results()));
        } catch (IOException | UncheckedIOException e) {
            throw new LabException("cannot publish the artifacts of run " + run.externalId() + ": " + e.getMessage(),
                    true, e);
        } catch (BucketException e) {
            // Refused (bad credentials, no such bucket): the build ends with the reason; an outage: the next poll tries again.
            throw new LabException(e.getMessage(), e.retryable(), e);
        }
    }

    /**
     * Moves the build out of the checkout once the command ended ({@code exit} written), since the
     * command lab deletes the checkout when it reads the result. A build stopped by the lab itself
     * (timeout, a limit) is read in the same poll that stops it: it keeps only its log.
     */
    private void keepBuild(String runId) throws IOException {
        var dir = command.runDirectory(runId);
        var built = dir.resolve("tree").resolve(BUILD_DIR);
        // Not through a link the build put in its place: the publication would refuse what it points to anyway.
        if (Files.exists(dir.resolve("exit")) && Files.isDirectory(built, LinkOption.NOFOLLOW_LINKS)
                && !Files.exists(dir.resolve(OUTPUT))) {
            Files.move(built, dir.resolve(OUTPUT), StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** The run's published files, with the kind of each; empty when nothing serves the store. */
    @Override
    public List<Artifact> artifacts(LabRun run) {
        var artifacts = new ArrayList<Artifact>();
        for (var file : store.files(run.externalId())) {
            var url = store.url(run.externalId(), file.name());
            if (url.isEmpty()) {
                return List.of();
            }
            kind(file.name()).ifPresent(kind -> artifacts.add(new Artifact(file.name(), kind, url.get(),
                    file.sha256(), file.size())));
        }
        return artifacts;
    }

    private Optional<Artifact.Kind> kind(String name) {
        if (name.equals(settings.arch().image())) {
            return Optional.of(Artifact.Kind.KERNEL);
        }
        return switch (name) {
            case MODULES -> Optional.of(Artifact.Kind.MODULES);
            case CONFIG -> Optional.of(Artifact.Kind.CONFIG);
            case BUILD_LOG -> Optional.of(Artifact.Kind.LOG);
            default -> name.startsWith(DEVICE_TREES) && name.endsWith(".dtb") ? Optional.of(Artifact.Kind.DEVICE_TREE)
                    : Optional.empty();
        };
    }

    private KcidbData results(String runId, KcidbData ran) throws IOException {
        var dir = command.runDirectory(runId);
        var out = dir.resolve(OUTPUT);
        var leftOutFile = dir.resolve(LEFT_OUT);
        if (Files.isDirectory(out)) {
            var publication = store.publish(runId, dir, candidates(dir, out));
            Files.write(leftOutFile, publication.leftOut(), StandardCharsets.UTF_8);
            deleteTree(out);
            LOG.info("run {}: published {} artifacts{}", runId, publication.kept().size(),
                    publication.leftOut().isEmpty() ? "" : "; left out: " + String.join("; ", publication.leftOut()));
        }
        var leftOut = Files.isRegularFile(leftOutFile) ? Files.readAllLines(leftOutFile) : List.<String>of();
        var ranBuild = ran.builds().get(0);
        var commandTest = ran.tests().stream().filter(t -> "command".equals(t.path())).findFirst();
        var status = ranBuild.status() == Status.MISS ? Status.MISS
                : commandTest.map(Test::status).orElse(Status.ERROR);
        var files = store.files(runId);
        var findings = BuildLog.read(log(dir), status == Status.FAIL || status == Status.ERROR);

        var outputs = new ArrayList<Resource>();
        var artifacts = new ArrayList<Map<String, Object>>();
        for (var file : files) {
            store.url(runId, file.name()).ifPresent(url -> outputs.add(new Resource(file.name(), url)));
            var described = new LinkedHashMap<String, Object>();
            described.put("name", file.name());
            described.put("sha256", file.sha256());
            described.put("size", file.size());
            artifacts.add(described);
        }
        var misc = new LinkedHashMap<String, Object>();
        misc.put("warnings", findings.warnings());
        misc.put("errors", findings.errors());
        misc.put("artifacts", artifacts);
        if (!leftOut.isEmpty()) {
            misc.put("artifacts_left_out", leftOut);
        }
        var comment = comment(status, commandTest) + (leftOut.isEmpty() ? "" : "; " + String.join("; ", leftOut));
        var excerpt = ranBuild.status() == Status.MISS ? ranBuild.logExcerpt() : findings.excerpt();
        var build = new Build(ranBuild.id(), ranBuild.checkoutId(), ORIGIN, comment, null, null,
                settings.arch().word(), "make ARCH=" + settings.arch().word() + " " + targets(),
                compiler(runId).orElse(settings.toolchain()), null, outputs.isEmpty() ? null : outputs,
                settings.configName(), store.url(runId, CONFIG).filter(u -> has(files, CONFIG)).orElse(null),
                store.url(runId, BUILD_LOG).filter(u -> has(files, BUILD_LOG)).orElse(null),
                excerpt == null || excerpt.isEmpty() ? null : excerpt, status, misc, null);
        return KcidbData.of(ran.checkouts(), List.of(build), List.of());
    }

    private static boolean has(List<ArtifactStore.Stored> files, String name) {
        return files.stream().anyMatch(f -> f.name().equals(name));
    }

    private String comment(Status status, Optional<Test> commandTest) {
        var said = commandTest.map(Test::misc).map(m -> m.get("comment")).map(Object::toString).orElse("");
        var what = settings.arch().word() + " " + settings.configName() + " with " + settings.toolchain();
        return switch (status) {
            case PASS -> "built " + what;
            case FAIL -> "the build of " + what + " failed (" + said + ")";
            case MISS -> "the tree could not be fetched";
            case SKIP -> "the build of " + what + " was cancelled";
            default -> "the build of " + what + " did not finish (" + said + ")";
        };
    }

    /** What {@code make} builds after the configuration, as the script decides it. */
    private String targets() {
        return settings.arch().image() + " [modules]" + (settings.arch().deviceTrees() ? " dtbs" : "");
    }

    private List<ArtifactStore.Candidate> candidates(Path dir, Path out) throws IOException {
        var candidates = new ArrayList<ArtifactStore.Candidate>();
        candidates.add(new ArtifactStore.Candidate(settings.arch().image(), out.resolve(settings.arch().imagePath())));
        candidates.add(new ArtifactStore.Candidate(MODULES, out.resolve(MODULES)));
        var dtbs = out.resolve("dtbs-root");
        if (Files.isDirectory(dtbs)) {
            try (Stream<Path> found = Files.walk(dtbs)) {
                for (var file : found.filter(p -> p.toString().endsWith(".dtb") && Files.isRegularFile(p)).sorted()
                        .toList()) {
                    var name = DEVICE_TREES + dtbs.relativize(file).toString().replace('\\', '/');
                    if (ArtifactStore.validName(name)) {
                        candidates.add(new ArtifactStore.Candidate(name, file));
                    }
                }
            }
        }
        candidates.add(new ArtifactStore.Candidate(CONFIG, out.resolve(".config")));
        candidates.add(new ArtifactStore.Candidate(BUILD_LOG, dir.resolve("output.log")));
        return candidates;
    }

    private Optional<String> compiler(String runId) {
        return store.find(runId, CONFIG).flatMap(config -> {
            try {
                var m = COMPILER.matcher(Files.readString(config.path(), StandardCharsets.UTF_8));
                return m.find() ? Optional.of(m.group(1)) : Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            }
        });
    }

    /** The end of the command's output, enough for any build log's warnings. */
    private static String log(Path dir) throws IOException {
        var file = dir.resolve("output.log");
        if (!Files.exists(file)) {
            return "";
        }
        try (var raf = new RandomAccessFile(file.toFile(), "r")) {
            long from = Math.max(0, raf.length() - MAX_LOG_READ);
            raf.seek(from);
            var bytes = new byte[(int) (raf.length() - from)];
            raf.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /**
     * The shell script the command lab runs in the checked-out tree: configure, build and install
     * into {@code .labgate-build/}. Every value in it comes from the operator's policy, checked when the
     * policy was read, and is quoted all the same.
     */
    public static String script(BuildSettings settings) {
        var arch = settings.arch();
        var make = new StringBuilder("make ARCH=").append(arch.word()).append(" O=\"$out\"");
        var toolchain = settings.toolchain();
        var version = toolchain.contains("-") ? toolchain.substring(toolchain.indexOf('-')) : "";
        if (toolchain.startsWith("clang")) {
            make.append(" LLVM=").append(version.isEmpty() ? "1" : quote(version));
        } else {
            settings.crossCompile().ifPresent(prefix -> make.append(" CROSS_COMPILE=").append(quote(prefix)));
            if (!version.isEmpty()) {
                make.append(" CC=").append(quote(settings.crossCompile().orElse("") + toolchain));
            }
        }
        var options = settings.fragments().stream().filter(f -> f.startsWith("CONFIG_") || f.startsWith("#")).toList();
        var files = settings.fragments().stream().filter(f -> !options.contains(f)).toList();
        var script = new StringBuilder();
        script.append("set -eu\n");
        script.append("out=\"$(pwd)/").append(BUILD_DIR).append("\"\n");
        script.append("mkdir -p \"$out\"\n");
        script.append("m() { echo \"+ make $*\"; ").append(make).append(" \"$@\"; }\n");
        script.append("echo ").append(quote("labgate: building " + arch.word() + " " + settings.configName()
                + " with " + toolchain)).append('\n');
        script.append("m ").append(quote(settings.defconfig())).append('\n');
        if (!settings.fragments().isEmpty()) {
            var merge = new StringBuilder("scripts/kconfig/merge_config.sh -m -O \"$out\" \"$out/.config\"");
            files.forEach(f -> merge.append(' ').append(quote(f)));
            if (!options.isEmpty()) {
                script.append("printf '%s\\n'");
                options.forEach(o -> script.append(' ').append(quote(o)));
                script.append(" > \"$out/labgate.config\"\n");
                merge.append(" \"$out/labgate.config\"");
            }
            script.append(merge).append('\n');
            script.append("m olddefconfig\n");
        }
        script.append("targets=").append(arch.image()).append('\n');
        script.append("modules=$(grep -c '^CONFIG_MODULES=y' \"$out/.config\" || true)\n");
        script.append("if [ \"$modules\" != 0 ]; then targets=\"$targets modules\"; fi\n");
        if (arch.deviceTrees()) {
            script.append("targets=\"$targets dtbs\"\n");
        }
        script.append("m -j\"$(nproc)\" $targets\n");
        script.append("if [ \"$modules\" != 0 ]; then\n");
        script.append("  m INSTALL_MOD_PATH=\"$out/modules-root\" INSTALL_MOD_STRIP=1 modules_install\n");
        script.append("  tar -C \"$out/modules-root\" -cJf \"$out/").append(MODULES).append("\" lib\n");
        script.append("fi\n");
        if (arch.deviceTrees()) {
            script.append("m INSTALL_DTBS_PATH=\"$out/dtbs-root\" dtbs_install\n");
        }
        return script.toString();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (var path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** A word for {@code sh}, in single quotes. */
    static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
