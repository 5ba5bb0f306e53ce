package dev.labgate.lab.sandbox;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The command lines the sandboxes build, read as bwrap, unshare, setpriv and prlimit would. */
class BubblewrapTest {

    static final Path BWRAP = Path.of("/usr/bin/bwrap");
    static final Sandbox.Workspace WORKSPACE = new Sandbox.Workspace(Path.of("/srv/labgate/work/local/run-1"),
            Optional.of(Path.of("/srv/labgate/git/linux.git/objects")));
    static final Limits LIMITS = new Limits(Optional.of(Duration.ofMinutes(10)), Optional.of(2L << 30), 512,
            64L << 20, 10L << 30);
    static final Map<String, String> ENV = Map.of("PATH", Sandbox.PATH, "LABGATE_RUN_ID", "run-1");

    static List<String> line(boolean root, boolean network, List<Path> readOnly) {
        return new Bubblewrap(BWRAP, root, network, readOnly).commandLine(WORKSPACE, "make check", ENV, LIMITS);
    }

    /** The arguments that follow each occurrence of {@code option}, {@code arity} at a time. */
    static List<List<String>> occurrences(List<String> line, String option, int arity) {
        var from = line.lastIndexOf(BWRAP.toString());
        var bwrap = line.subList(from, from + line.subList(from, line.size()).indexOf("--"));
        var found = new java.util.ArrayList<List<String>>();
        for (int i = 0; i < bwrap.size(); i++) {
            if (bwrap.get(i).equals(option)) {
                found.add(bwrap.subList(i + 1, i + 1 + arity));
            }
        }
        return found;
    }

    @Test
    void every_namespace_is_new_the_network_too_and_the_sandbox_cannot_make_another_user_namespace() {
        var line = line(false, false, List.of());

        assertThat(line.subList(0, 4)).containsExactly("env", "-i", "PATH=" + Sandbox.PATH, "/usr/bin/bwrap");
        assertThat(line).contains("--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent",
                "--new-session").doesNotContain("--share-net");
        assertThat(occurrences(line, "--uid", 1)).containsExactly(List.of("1000"));
    }

    @Test
    void a_lab_granted_the_network_keeps_the_hosts_and_its_name_resolution() {
        var line = line(false, true, List.of());

        assertThat(line).contains("--unshare-all", "--share-net");
        assertThat(occurrences(line, "--ro-bind-try", 2)).contains(List.of("/etc/resolv.conf", "/etc/resolv.conf"));
        assertThat(occurrences(line(false, false, List.of()), "--ro-bind-try", 2))
                .doesNotContain(List.of("/etc/resolv.conf", "/etc/resolv.conf"));
    }

    @Test
    void the_environment_is_cleared_and_holds_exactly_what_the_lab_hands_over_and_a_home() {
        var line = line(false, false, List.of());

        assertThat(line).containsOnlyOnce("--clearenv");
        assertThat(line.indexOf("--clearenv")).isLessThan(line.indexOf("--setenv"));
        assertThat(occurrences(line, "--setenv", 2)).containsExactlyInAnyOrder(List.of("PATH", Sandbox.PATH),
                List.of("LABGATE_RUN_ID", "run-1"), List.of("HOME", "/tmp"));
    }

    @Test
    void only_the_checkout_and_the_runs_tmp_are_writable_and_nothing_else_of_labgates_directories_is_seen() {
        var line = line(false, false, List.of(Path.of("/opt/toolchains")));

        assertThat(occurrences(line, "--bind", 2)).containsExactly(
                List.of("/srv/labgate/work/local/run-1/tree", "/labgate/tree"),
                List.of("/srv/labgate/work/local/run-1/tmp", "/tmp"));
        assertThat(occurrences(line, "--ro-bind", 2)).contains(
                List.of("/srv/labgate/git/linux.git/objects", "/labgate/objects"),
                List.of("/opt/toolchains", "/opt/toolchains"),
                List.of("/srv/labgate/work/local/run-1/passwd", "/etc/passwd"));
        assertThat(occurrences(line, "--ro-bind", 2)).allSatisfy(bind -> assertThat(bind.get(1))
                .doesNotStartWith("/srv/labgate"));
        assertThat(occurrences(line, "--remount-ro", 1)).containsExactly(List.of("/dev"), List.of("/"));
        assertThat(line.lastIndexOf("--remount-ro")).as("after every mount").isGreaterThan(line.lastIndexOf("--bind"));
        assertThat(occurrences(line, "--chdir", 1)).containsExactly(List.of("/labgate/tree"));
    }

    @Test
    void no_etc_file_that_identifies_or_authorises_is_bound() {
        var etc = occurrences(line(false, true, List.of()), "--ro-bind-try", 2).stream().map(b -> b.get(0)).toList();

        assertThat(etc).allSatisfy(path -> assertThat(path).startsWith("/etc/"))
                .doesNotContain("/etc/shadow", "/etc/passwd", "/etc/ssl", "/etc/ssl/private", "/etc/gitconfig",
                        "/etc/sudoers");
    }

    @Test
    void the_kernel_holds_each_process_to_the_limits_set_before_the_command_runs() {
        var line = line(false, false, List.of());
        var command = line.subList(line.indexOf("--") + 1, line.size());

        assertThat(command).containsExactly("prlimit", "--fsize=" + (10L << 30), "--nproc=512", "--cpu=630",
                "--data=" + (4L << 30), "--", "sh", "-c", "make check");
    }

    @Test
    void as_root_the_sandbox_drops_to_its_own_uid_after_a_first_bubblewrap_stages_the_runs_paths() {
        var line = line(true, false, List.of(Path.of("/opt/toolchains")));

        var setpriv = line.indexOf("setpriv");
        assertThat(line.subList(0, setpriv)).containsExactly("/usr/bin/bwrap", "--die-with-parent", "--dev-bind", "/",
                "/", "--tmpfs", "/tmp", "--bind", "/srv/labgate/work/local/run-1", "/tmp/0",
                "--bind", "/srv/labgate/git/linux.git/objects", "/tmp/1", "--bind", "/opt/toolchains", "/tmp/2", "--");
        assertThat(line.subList(setpriv, line.indexOf("env"))).containsExactly("setpriv", "--reuid=2000000000",
                "--regid=2000000000", "--clear-groups", "--inh-caps=-all", "--");
        assertThat(occurrences(line, "--bind", 2)).containsExactly(List.of("/tmp/0/tree", "/labgate/tree"),
                List.of("/tmp/0/tmp", "/tmp"));
        assertThat(occurrences(line, "--ro-bind", 2)).contains(List.of("/tmp/1", "/labgate/objects"),
                List.of("/tmp/2", "/opt/toolchains"));
    }

    @Test
    void without_a_sandbox_the_environment_is_still_built_from_nothing_and_processes_are_not_limited() {
        var line = new Unconfined().commandLine(WORKSPACE, "make check", ENV, LIMITS);

        assertThat(line.subList(0, 2)).containsExactly("sh", "-c");
        assertThat(line.get(2)).contains("exec env -i \"$@\"");
        var env = line.subList(4, line.indexOf("prlimit"));
        assertThat(env).containsExactly("HOME=/srv/labgate/work/local/run-1/tmp", "LABGATE_RUN_ID=run-1",
                "PATH=" + Sandbox.PATH, "TMPDIR=/srv/labgate/work/local/run-1/tmp");
        assertThat(line).noneMatch(arg -> arg.startsWith("--nproc")).contains("--fsize=" + (10L << 30));
        assertThat(Collections.frequency(line, "make check")).isEqualTo(1);
    }
}
