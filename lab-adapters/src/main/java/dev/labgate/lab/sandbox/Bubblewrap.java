package dev.labgate.lab.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The default sandbox: bubblewrap ({@code bwrap}), as Zuul's executor and Flatpak use it.
 *
 * <p>The command runs in new user, mount, pid, IPC, UTS and (unless the lab grants the network)
 * network namespaces, as uid 1000 in a user namespace in which it cannot create another, without
 * capabilities and with {@code no_new_privs}. It sees: the system directories read-only
 * ({@code /usr} and the {@code /bin}, {@code /lib}... beside it), the few files of {@code /etc}
 * that programs need to start (never the host's accounts, TLS keys or git configuration),
 * {@code /proc} of its own pid namespace, a minimal {@code /dev}, the checkout at
 * {@link #TREE} (writable, its working directory), the run's scratch space as {@code /tmp}
 * (writable, its home), the git objects the checkout borrows at {@link #OBJECTS} (read-only), and
 * the read-only paths the lab grants. {@code /} and {@code /dev} are read-only; {@code /dev/shm} is
 * a small tmpfs.
 *
 * <p>When labgate runs as root, the user namespace alone would leave the command with uid 0 on the
 * host, where the kernel does not enforce the process limit; the command line then first drops to
 * {@link #ROOT_SANDBOX_UID} with {@code setpriv}. bubblewrap resolves the paths it binds as that
 * user, who cannot enter labgate's directories, so a first bubblewrap, as root, binds them under a
 * fresh tmpfs on {@code /tmp} in a mount namespace that only the sandbox's set-up sees (a third of
 * the CPU time {@code unshare} and {@code mount} took for the same).
 */
public final class Bubblewrap implements Sandbox {

    /** Where the command sees its checkout. */
    public static final String TREE = "/labgate/tree";
    /** Where the command sees the git objects its checkout borrows. */
    public static final String OBJECTS = "/labgate/objects";
    /** The host uid a sandbox of a labgate running as root runs as: no account has it. */
    public static final int ROOT_SANDBOX_UID = 2_000_000_000;
    /** The uid and gid the command has in its user namespace. */
    static final int UID = 1000;
    /** bwrap's usual places; the AppArmor profile of docs/actions.md names the first. */
    static final List<Path> LOCATIONS = List.of(Path.of("/usr/bin/bwrap"), Path.of("/bin/bwrap"),
            Path.of("/usr/local/bin/bwrap"));
    private static final List<String> SYSTEM = List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32");
    /** What of /etc programs need to start and to trust TLS certificates; nothing that identifies or authorises. */
    private static final List<String> ETC = List.of("/etc/alternatives", "/etc/ld.so.cache", "/etc/ld.so.conf",
            "/etc/ld.so.conf.d", "/etc/localtime", "/etc/nsswitch.conf", "/etc/ssl/certs", "/etc/ca-certificates",
            "/etc/pki/tls/certs", "/etc/pki/ca-trust");
    private static final List<String> NETWORK_ETC = List.of("/etc/hosts", "/etc/resolv.conf", "/etc/host.conf",
            "/etc/gai.conf");
    private static final long SHM_BYTES = 64L << 20;
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(30);

    private final Path bwrap;
    private final boolean asRoot;
    private final boolean network;
    private final List<Path> readOnly;
    private final List<String> systemArgs;

    Bubblewrap(Path bwrap, boolean asRoot, boolean network, List<Path> readOnly) {
        this.bwrap = bwrap;
        this.asRoot = asRoot;
        this.network = network;
        this.readOnly = List.copyOf(readOnly);
        this.systemArgs = systemArgs();
    }

    /**
     * This host's bubblewrap for a lab, once it has run a trivial command in a sandbox made in
     * {@code scratch} exactly as a run's would be; or why no sandbox can start here.
     *
     * @param network whether the command keeps the host's network
     * @param readOnly host paths the command may read, at the same place
     * @param scratch a directory to make the trial run in, deleted afterwards
     */
    public static SandboxSetup setUp(boolean network, List<Path> readOnly, Path scratch) {
        var bwrap = LOCATIONS.stream().filter(Files::isExecutable).findFirst();
        if (bwrap.isEmpty()) {
            return new SandboxSetup.Refused("bubblewrap is not installed (no bwrap in /usr/bin, /bin or "
                    + "/usr/local/bin): install the package bubblewrap");
        }
        for (var path : readOnly) {
            if (!Files.exists(path)) {
                return new SandboxSetup.Refused("the read-only path " + path + " does not exist on this host");
            }
        }
        var sandbox = new Bubblewrap(bwrap.get(), isRoot(), network, readOnly);
        return sandbox.tryOnce(scratch).<SandboxSetup>map(SandboxSetup.Refused::new)
                .orElseGet(() -> new SandboxSetup.Ready(sandbox));
    }

    static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    @Override
    public String description() {
        return "bubblewrap" + (asRoot ? " as uid " + ROOT_SANDBOX_UID : "") + ", "
                + (network ? "with the host's network" : "no network")
                + (readOnly.isEmpty() ? "" : ", read-only " + readOnly);
    }

    @Override
    public void prepare(Workspace workspace) throws IOException {
        Files.createDirectories(workspace.tmp());
        Files.writeString(workspace.run().resolve("passwd"), "labgate:x:" + UID + ":" + UID
                + ":labgate sandbox:/tmp:/bin/sh\n");
        Files.writeString(workspace.run().resolve("group"), "labgate:x:" + UID + ":\n");
        if (asRoot) {
            // Only the sandbox's set-up passes through the run's directory; what is in it stays root's.
            Files.setPosixFilePermissions(workspace.run(), PosixFilePermissions.fromString("rwx--x--x"));
            handOver(workspace.tree(), workspace.tmp());
        }
    }

    /**
     * Gives directory trees to the sandbox's uid. {@code chown -R} (coreutils, five times faster
     * than the JDK here on a kernel-sized tree) walks them physically and changes each symbolic
     * link itself ({@code -h}), never what it points to.
     */
    private static void handOver(Path... roots) throws IOException {
        var line = new ArrayList<>(List.of("chown", "-R", "-P", "-h", ROOT_SANDBOX_UID + ":" + ROOT_SANDBOX_UID,
                "--"));
        for (var root : roots) {
            line.add(root.toString());
        }
        var builder = new ProcessBuilder(line).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().put("PATH", PATH);
        var process = builder.start();
        try {
            var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (process.waitFor() != 0) {
                throw new IOException("could not hand the checkout to the sandbox's user: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while handing the checkout to the sandbox's user", e);
        }
    }

    @Override
    public String objectsPath(Workspace workspace) {
        return OBJECTS;
    }

    @Override
    public List<String> commandLine(Workspace workspace, String command, Map<String, String> env, Limits limits) {
        var staged = new ArrayList<Path>();
        var runDir = source(workspace.run(), staged);
        // bwrap is the sandbox's pid 1, whose environment the command can read: it starts with nothing but PATH.
        var args = new ArrayList<>(List.of("env", "-i", "PATH=" + PATH, bwrap.toString(),
                "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--new-session",
                "--json-status-fd", "3", "--uid", Integer.toString(UID), "--gid", Integer.toString(UID),
                "--hostname", "labgate"));
        if (network) {
            args.add("--share-net");
        }
        args.addAll(systemArgs);
        for (var etc : network ? Stream.concat(ETC.stream(), NETWORK_ETC.stream()).toList() : ETC) {
            args.addAll(List.of("--ro-bind-try", etc, etc));
        }
        args.addAll(List.of("--ro-bind", runDir + "/passwd", "/etc/passwd", "--ro-bind", runDir + "/group",
                "/etc/group"));
        args.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--size", Long.toString(SHM_BYTES), "--tmpfs",
                "/dev/shm"));
        args.addAll(List.of("--bind", runDir + "/tree", TREE, "--bind", runDir + "/tmp", "/tmp"));
        workspace.objects().ifPresent(objects -> args.addAll(List.of("--ro-bind", source(objects, staged), OBJECTS)));
        for (var path : readOnly) {
            args.addAll(List.of("--ro-bind", source(path, staged), path.toString()));
        }
        args.addAll(List.of("--remount-ro", "/dev", "--remount-ro", "/", "--chdir", TREE, "--clearenv"));
        var environment = new TreeMap<String, String>();
        environment.put("HOME", "/tmp");
        environment.putAll(env);
        environment.forEach((name, value) -> args.addAll(List.of("--setenv", name, value)));
        args.add("--");
        args.addAll(limits.prlimit(true));
        args.addAll(List.of("sh", "-c", command));
        if (!asRoot) {
            return args;
        }
        // A first bubblewrap, as root and in a mount namespace of its own only, shows the host as it is
        // but with the run's paths bound under a fresh /tmp, where the sandbox's user can reach them.
        var line = new ArrayList<>(List.of(bwrap.toString(), "--die-with-parent", "--dev-bind", "/", "/", "--tmpfs",
                "/tmp"));
        for (int i = 0; i < staged.size(); i++) {
            line.addAll(List.of("--bind", staged.get(i).toString(), "/tmp/" + i));
        }
        line.addAll(List.of("--", "setpriv", "--reuid=" + ROOT_SANDBOX_UID, "--regid=" + ROOT_SANDBOX_UID,
                "--clear-groups", "--inh-caps=-all", "--"));
        line.addAll(args);
        return line;
    }

    /** The path bubblewrap binds {@code path} from: itself, or where the root set-up staged it. */
    private String source(Path path, List<Path> staged) {
        if (!asRoot) {
            return path.toString();
        }
        staged.add(path);
        return "/tmp/" + (staged.size() - 1);
    }

    /** The system directories as they are on this host: a merged /usr links /bin and /lib into it. */
    private static List<String> systemArgs() {
        var args = new ArrayList<String>();
        for (var dir : SYSTEM) {
            var path = Path.of(dir);
            try {
                if (Files.isSymbolicLink(path)) {
                    args.addAll(List.of("--symlink", Files.readSymbolicLink(path).toString(), dir));
                } else if (Files.isDirectory(path)) {
                    args.addAll(List.of("--ro-bind", dir, dir));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return args;
    }

    /** Starts a sandbox for {@code true} the way a run does; the reason it failed, if it did. */
    private Optional<String> tryOnce(Path run) {
        try {
            RunDirectory.delete(run);
            Files.createDirectories(run.resolve("tree"));
            var workspace = new Workspace(run, Optional.empty());
            prepare(workspace);
            var line = new ArrayList<>(List.of("sh", "-c", "exec \"$@\" 3> sandbox.json", "labgate-check"));
            line.addAll(commandLine(workspace, "true", Map.of(), new Limits(Optional.empty(), Optional.empty(), 64,
                    1 << 20, 1 << 20)));
            var builder = new ProcessBuilder(line).directory(run.toFile()).redirectErrorStream(true)
                    .redirectOutput(run.resolve("output.log").toFile());
            builder.environment().clear();
            builder.environment().put("PATH", Sandbox.PATH);
            var process = builder.start();
            if (!process.waitFor(CHECK_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                return Optional.of("bubblewrap did not start a sandbox within " + CHECK_TIMEOUT.toSeconds() + "s");
            }
            if (process.exitValue() != 0) {
                var output = Files.readString(run.resolve("output.log"), StandardCharsets.UTF_8).strip();
                return Optional.of("bubblewrap could not start a sandbox here (exit status " + process.exitValue()
                        + (output.isEmpty() ? "" : ": " + output) + ")" + hint(output));
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("bubblewrap could not start a sandbox here: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while trying bubblewrap");
        } finally {
            try {
                RunDirectory.delete(run);
            } catch (IOException ignored) {
                // A leftover check directory is replaced by the next check.
            }
        }
    }

    private static String hint(String output) {
        if (output.contains("uid map") || output.contains("Operation not permitted")
                || output.contains("No permissions to create")) {
            return "; unprivileged user namespaces are disabled or restricted on this host (Ubuntu 24.04: "
                    + "kernel.apparmor_restrict_unprivileged_userns; see docs/labs.md)";
        }
        return "";
    }
}
