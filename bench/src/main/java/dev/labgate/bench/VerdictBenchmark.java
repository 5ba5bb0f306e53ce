package dev.labgate.bench;

import com.fasterxml.jackson.core.JsonToken;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.verdict.Verdict;
import dev.labgate.kcidb.KcidbJson;
import dev.labgate.kcidb.KnownIssues;
import dev.labgate.kcidb.Results;
import dev.labgate.kcidb.VerdictAggregator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The verdict over a day of KCIDB (10,000 builds, 300,000 tests from four origins, and a
 * baseline of the same size), against merely parsing the same two files with Jackson.
 *
 * <ul>
 *   <li>{@code verdict}: read both files streaming, one thread each, and aggregate (what
 *       {@code labgate kcidb summarize} does), in a JVM limited to 512 MB of heap;</li>
 *   <li>{@code verdictOneThread}: the same, reading head then baseline on one thread;</li>
 *   <li>{@code parseToModel}: Jackson data binding of both files into the model, nothing else;</li>
 *   <li>{@code parseTokens}: Jackson's streaming parser over both files, every token, no objects.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
public class VerdictBenchmark {

    private Path dir;
    private Path head;
    private Path base;

    @Setup(Level.Trial)
    public void generate() throws IOException {
        dir = Files.createTempDirectory("labgate-bench");
        head = dir.resolve("head.json");
        base = dir.resolve("base.json");
        var day = new DayOfKcidb(10_000, 30);
        day.write(head, "head", 1);
        day.write(base, "base", 2);
    }

    @TearDown(Level.Trial)
    public void clean() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    @Fork(value = 1, jvmArgs = {"-Xms512m", "-Xmx512m"})
    public Verdict verdict() {
        var headResults = CompletableFuture.supplyAsync(() -> read(head));
        var baseResults = read(base);
        return new VerdictAggregator().aggregate(headResults.join(), Optional.of(baseResults), KnownIssues.none());
    }

    @Benchmark
    @Fork(value = 1, jvmArgs = {"-Xms512m", "-Xmx512m"})
    public Verdict verdictOneThread() {
        return new VerdictAggregator().aggregate(read(head), Optional.of(read(base)), KnownIssues.none());
    }

    @Benchmark
    @Fork(value = 1, jvmArgs = {"-Xmx8g"})
    public KcidbData[] parseToModel() throws IOException {
        try (var h = Files.newInputStream(head); var b = Files.newInputStream(base)) {
            return new KcidbData[] {KcidbJson.read(h), KcidbJson.read(b)};
        }
    }

    @Benchmark
    @Fork(value = 1, jvmArgs = {"-Xms512m", "-Xmx512m"})
    public long parseTokens() throws IOException {
        return tokens(head) + tokens(base);
    }

    private static long tokens(Path file) throws IOException {
        long count = 0;
        try (InputStream in = Files.newInputStream(file); var parser = KcidbJson.mapper().createParser(in)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token == JsonToken.VALUE_STRING) {
                    count += parser.getText().length();
                }
                count++;
            }
        }
        return count;
    }

    private static Results read(Path file) {
        try (var in = Files.newInputStream(file)) {
            return new Results().read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
