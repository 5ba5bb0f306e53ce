package dev.labgate.lab.bench;

import dev.labgate.lab.sandbox.Bubblewrap;
import dev.labgate.lab.sandbox.Limits;
import dev.labgate.lab.sandbox.RunDirectory;
import dev.labgate.lab.sandbox.Sandbox;
import dev.labgate.lab.sandbox.SandboxSetup;
import dev.labgate.lab.sandbox.Unconfined;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the sandbox adds to the start of a run: the wall time from starting a run's command line
 * for {@code true} to its end, with and without bubblewrap, {@code runs} times each (after 3 not
 * counted), interleaved so that the machine's load falls on both alike, and the CPU time the
 * command line's processes used (this JVM's children's, from /proc/self/stat, in 10 ms ticks);
 * then the time to hand a checkout of {@code files} files to the sandbox's user (what a labgate
 * running as root does before each run). Run as docs/benchmarks.md says.
 */
public final class SandboxStart {

    private SandboxStart() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int files = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        var scratch = Files.createTempDirectory("labgate-sandbox-bench");
        try {
            var setup = Bubblewrap.setUp(false, List.of(), scratch.resolve("check"));
            if (setup instanceof SandboxSetup.Refused refused) {
                System.out.println("no sandbox here: " + refused.reason());
                return;
            }
            var bubblewrap = ((SandboxSetup.Ready) setup).sandbox();
            var unconfined = new Unconfined();
            var limits = new Limits(Optional.empty(), Optional.empty(), 1024, 64L << 20, 1L << 30);
            var times = Map.of("bubblewrap", new ArrayList<Double>(), "none", new ArrayList<Double>());
            var cpu = new java.util.HashMap<String, Long>(Map.of("bubblewrap", 0L, "none", 0L));
            for (int i = 0; i < runs + 3; i++) {
                for (var sandbox : List.of(bubblewrap, unconfined)) {
                    var name = sandbox == unconfined ? "none" : "bubblewrap";
                    long before = childrenCpuTicks();
                    var millis = once(sandbox, scratch.resolve("run-" + i), limits);
                    if (i >= 3) {
                        times.get(name).add(millis);
                        cpu.merge(name, childrenCpuTicks() - before, Long::sum);
                    }
                }
            }
            System.out.println(bubblewrap.description());
            times.forEach((name, list) -> System.out.printf(
                    "%-10s runs %d  wall median %.1f ms  p90 %.1f ms  min %.1f ms  CPU %.1f ms a run%n", name,
                    list.size(), percentile(list, 50), percentile(list, 90), percentile(list, 0),
                    cpu.get(name) * 10.0 / list.size()));
            if (files > 0) {
                var workspace = new Sandbox.Workspace(scratch.resolve("big"), Optional.empty());
                for (int i = 0; i < files; i++) {
                    var file = workspace.tree().resolve("d" + i / 1000).resolve("f" + i + ".c");
                    Files.createDirectories(file.getParent());
                    Files.writeString(file, "int x;\n");
                }
                long start = System.nanoTime();
                bubblewrap.prepare(workspace);
                System.out.printf("prepare a checkout of %d files: %.0f ms%n", files, (System.nanoTime() - start) / 1e6);
            }
        } finally {
            RunDirectory.delete(scratch);
        }
    }

    private static double once(Sandbox sandbox, Path run, Limits limits) throws IOException, InterruptedException {
        var workspace = new Sandbox.Workspace(run, Optional.empty());
        Files.createDirectories(workspace.tree());
        sandbox.prepare(workspace);
        var line = new ArrayList<>(List.of("sh", "-c", "exec \"$@\" 3> sandbox.json", "bench"));
        line.addAll(sandbox.commandLine(workspace, "true", Map.of("PATH", Sandbox.PATH), limits));
        var builder = new ProcessBuilder(line).directory(run.toFile()).inheritIO();
        builder.environment().clear();
        builder.environment().put("PATH", Sandbox.PATH);
        long start = System.nanoTime();
        var exit = builder.start().waitFor();
        double millis = (System.nanoTime() - start) / 1e6;
        if (exit != 0) {
            throw new IllegalStateException(sandbox.description() + " exited " + exit);
        }
        RunDirectory.delete(run);
        return millis;
    }

    /** This JVM's waited-for children's user and system time (fields 16 and 17 of proc(5)), in ticks. */
    private static long childrenCpuTicks() throws IOException {
        var stat = Files.readString(Path.of("/proc/self/stat"));
        var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
    }

    private static double percentile(List<Double> values, int p) {
        var sorted = values.stream().sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - (p == 0 ? 0 : 1)));
    }
}
