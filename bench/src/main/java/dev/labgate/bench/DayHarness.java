package dev.labgate.bench;

import com.fasterxml.jackson.core.JsonToken;
import dev.labgate.kcidb.KcidbJson;
import dev.labgate.kcidb.KnownIssues;
import dev.labgate.kcidb.Results;
import dev.labgate.kcidb.VerdictAggregator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A second view of {@link VerdictBenchmark} for a shared machine: besides wall time it reports
 * the CPU time the process used (other processes' load inflates wall time, much less CPU time)
 * and the peak heap. One mode per JVM, so that each runs with its own {@code -Xmx}:
 *
 * <pre>java -Xmx512m -cp bench/target/benchmarks.jar dev.labgate.bench.DayHarness verdict DIR
 * java -Xmx8g -cp bench/target/benchmarks.jar dev.labgate.bench.DayHarness parse DIR</pre>
 *
 * Modes: {@code verdict} (both files streaming, one thread each, then the verdict),
 * {@code verdict1} (the same on one thread), {@code parse} (Jackson data binding of both files
 * into the model), {@code tokens} (Jackson's streaming parser over every token). DIR keeps the
 * generated files between runs.
 */
public final class DayHarness {

    private static final int WARMUP = 3;
    private static final int MEASURED = 5;

    private DayHarness() {
    }

    public static void main(String[] args) throws Exception {
        var mode = args.length > 0 ? args[0] : "verdict";
        var dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("labgate-day");
        var head = dir.resolve("head.json");
        var base = dir.resolve("base.json");
        if (!Files.exists(head) || !Files.exists(base)) {
            var day = new DayOfKcidb(10_000, 30);
            day.write(head, "head", 1);
            day.write(base, "base", 2);
        }
        Runnable run = switch (mode) {
            case "verdict" -> () -> {
                var headResults = CompletableFuture.supplyAsync(() -> read(head));
                var baseResults = read(base);
                new VerdictAggregator().aggregate(headResults.join(), Optional.of(baseResults), KnownIssues.none());
            };
            case "verdict1" -> () -> new VerdictAggregator().aggregate(read(head), Optional.of(read(base)),
                    KnownIssues.none());
            case "parse" -> () -> {
                parse(head);
                parse(base);
            };
            case "tokens" -> () -> {
                tokens(head);
                tokens(base);
            };
            default -> throw new IllegalArgumentException("mode: verdict, verdict1, parse or tokens");
        };
        for (int i = 0; i < WARMUP; i++) {
            run.run();
        }
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        var walls = new ArrayList<Long>();
        var cpus = new ArrayList<Long>();
        for (int i = 0; i < MEASURED; i++) {
            var wall = System.nanoTime();
            var cpu = os.getProcessCpuTime();
            run.run();
            walls.add((System.nanoTime() - wall) / 1_000_000);
            cpus.add((os.getProcessCpuTime() - cpu) / 1_000_000);
        }
        long peak = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        System.out.printf("%s: files %d + %d MB; wall ms %s (median %d); process CPU ms %s (median %d); "
                        + "-Xmx %d MB, peak heap used %d MB (garbage included)%n", mode, Files.size(head) >> 20,
                Files.size(base) >> 20, walls, median(walls), cpus, median(cpus),
                Runtime.getRuntime().maxMemory() >> 20, peak >> 20);
    }

    private static long median(ArrayList<Long> values) {
        var sorted = new ArrayList<>(values);
        sorted.sort(Long::compare);
        return sorted.get(sorted.size() / 2);
    }

    private static Results read(Path file) {
        try (var in = Files.newInputStream(file)) {
            return new Results().read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void parse(Path file) {
        try (var in = Files.newInputStream(file)) {
            KcidbJson.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long tokens(Path file) {
        long count = 0;
        try (var in = Files.newInputStream(file); var parser = KcidbJson.mapper().createParser(in)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token == JsonToken.VALUE_STRING) {
                    count += parser.getText().length();
                }
                count++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return count;
    }
}
