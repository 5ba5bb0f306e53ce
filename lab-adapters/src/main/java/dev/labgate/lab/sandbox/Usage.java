package dev.labgate.lab.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a run's processes use at one moment, read from {@code /proc}.
 *
 * @param tasks processes and threads
 * @param cpu CPU time of the processes alive, and of every process they have waited for
 * @param resident resident memory of the processes alive, in bytes (shared pages counted in each)
 */
public record Usage(int tasks, Duration cpu, long resident) {

    /** {@code /proc/<pid>/stat} counts CPU time in USER_HZ ticks, 100 a second on every Linux labgate runs on. */
    private static final long TICKS_PER_SECOND = 100;

    /** The usage of {@code root} and every process below it; processes that end meanwhile are left out. */
    public static Usage of(ProcessHandle root) {
        int tasks = 0;
        long ticks = 0;
        long resident = 0;
        for (var process : Stream.concat(Stream.of(root), root.descendants()).toList()) {
            try {
                var stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
                // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
                var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // Fields 14-17 of proc(5): utime, stime, cutime, cstime; counted from field 3 here.
                for (int i = 11; i <= 14; i++) {
                    ticks += Long.parseLong(fields[i]);
                }
                var status = Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"));
                tasks += (int) kilobytesOrCount(status, "Threads:");
                resident += kilobytesOrCount(status, "VmRSS:") * 1024;
            } catch (IOException | RuntimeException e) {
                // It ended between the listing and the reading: it uses nothing any more.
            }
        }
        return new Usage(tasks, Duration.ofMillis(ticks * 1000 / TICKS_PER_SECOND), resident);
    }

    private static long kilobytesOrCount(List<String> status, String key) {
        for (var line : status) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
            }
        }
        return 0;
    }
}
