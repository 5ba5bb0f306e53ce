package dev.labgate.bench;

import dev.labgate.kcidb.KnownIssues;
import dev.labgate.kcidb.Results;
import dev.labgate.kcidb.VerdictAggregator;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Heap the verdict over a day of KCIDB needs: run it in a JVM with a given {@code -Xmx} (it
 * fails with OutOfMemoryError when that is too small), and print the peak heap the JVM used
 * (all heap pools' peaks, garbage included, so an upper bound) and the heap still live with
 * both days read and the verdict made (after a full GC).
 *
 * <p>{@code java -Xmx512m -cp bench/target/benchmarks.jar dev.labgate.bench.PeakHeap [DIR]}
 */
public final class PeakHeap {

    private PeakHeap() {
    }

    public static void main(String[] args) throws IOException {
        var dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("labgate-heap");
        var head = dir.resolve("head.json");
        var base = dir.resolve("base.json");
        if (!Files.exists(head)) {
            var day = new DayOfKcidb(10_000, 30);
            day.write(head, "head", 1);
            day.write(base, "base", 2);
        }
        System.out.printf("files: head %d MB, base %d MB%n", Files.size(head) >> 20, Files.size(base) >> 20);
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        var start = System.nanoTime();
        Results headResults;
        Results baseResults;
        try (var h = Files.newInputStream(head); var b = Files.newInputStream(base)) {
            headResults = new Results().read(h);
            baseResults = new Results().read(b);
        }
        var verdict = new VerdictAggregator().aggregate(headResults, Optional.of(baseResults), KnownIssues.none());
        var millis = (System.nanoTime() - start) / 1_000_000;
        long peak = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        System.gc();
        long live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.printf("verdict %s in %d ms (%d tests, %d regressions, %d fixes, %d known, %d flaky, %d infra)%n",
                verdict.overall().label(), millis, verdict.counts().totalTests(), verdict.regressions().size(),
                verdict.fixes().size(), verdict.knownIssues().size(), verdict.flaky().size(),
                verdict.infraErrors().size());
        System.out.printf("max heap %d MB, peak heap used %d MB, live after verdict %d MB%n",
                Runtime.getRuntime().maxMemory() >> 20, peak >> 20, live >> 20);
        // Keep the inputs reachable until the live heap was measured.
        System.out.println(headResults.isEmpty() || baseResults.isEmpty() ? "empty input" : "");
    }
}
