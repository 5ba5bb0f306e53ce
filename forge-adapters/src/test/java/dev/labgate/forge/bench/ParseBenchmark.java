package dev.labgate.forge.bench;

import dev.labgate.core.event.Delivery;
import dev.labgate.core.event.DeliveryKey;
import dev.labgate.core.event.ForgeEvent;
import dev.labgate.forge.github.GitHubEvents;
import dev.labgate.forge.github.GitHubSettings;
import dev.labgate.forge.github.GitHubWebhooks;
import dev.labgate.forge.gitlab.GitLabEvents;
import dev.labgate.forge.gitlab.GitLabSettings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Time to turn one stored delivery into a {@link ForgeEvent}, for the largest payloads of the
 * shared corpus (see docs/benchmarks.md for how to run it). The payloads are read from
 * {@code -Dlabgate.shared=<path to ../shared>}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgs = {"-Xms256m", "-Xmx256m"})
public class ParseBenchmark {

    private static final String SECRET = "benchmark-secret";

    private final GitHubEvents github = new GitHubEvents(GitHubSettings.withToken("github",
            URI.create("https://api.github.com"), URI.create("https://github.com"), List.of(SECRET), null, "bot"));
    private final GitHubWebhooks webhooks = new GitHubWebhooks("github", List.of(SECRET));
    private final GitLabEvents gitlab = new GitLabEvents(new GitLabSettings("gitlab",
            URI.create("https://gitlab.example.org"), URI.create("https://gitlab.example.org"), List.of(SECRET), null,
            "bot"), id -> "user-" + id);

    private Delivery largestGitHub;
    private Delivery largestGitHubChange;
    private Delivery largestGitLab;
    private Map<String, String> signedHeaders;

    @Setup
    public void load() throws Exception {
        var corpus = Path.of(System.getProperty("labgate.shared", "../shared"), "corpus");
        var github = corpus.resolve("github-webhooks/payload-examples");
        var largest = largest(github, p -> true);
        largestGitHub = delivery("github", largest.getParent().getFileName().toString(), largest);
        largestGitHubChange = delivery("github", "pull_request", largest(github.resolve("pull_request"),
                p -> p.getFileName().toString().startsWith("opened")));
        largestGitLab = delivery("gitlab", "Merge Request Hook", largest(corpus.resolve("gitlab-webhooks"),
                p -> p.getFileName().toString().startsWith("merge")));
        var mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        signedHeaders = Map.of("x-hub-signature-256", "sha256=" + HexFormat.of().formatHex(
                mac.doFinal(largestGitHub.body())), "x-github-event", largestGitHub.event(), "x-github-delivery", "d-1");
        System.out.printf("%nlargest GitHub payload: %s (%d bytes); largest opened pull request: %d bytes; "
                        + "largest GitLab merge request: %d bytes%n", largest, largestGitHub.body().length,
                largestGitHubChange.body().length, largestGitLab.body().length);
        if (!(this.github.parse(largestGitHubChange) instanceof ForgeEvent.ChangeUpdated)) {
            throw new IllegalStateException("the opened pull request did not parse to a change");
        }
    }

    /** The largest payload of the corpus, all the way to its event (GitHub reads it whole to ignore it). */
    @Benchmark
    public ForgeEvent parseLargestGitHubPayload() {
        return github.parse(largestGitHub);
    }

    /** The largest payload that leads to runs: an opened pull request. */
    @Benchmark
    public ForgeEvent parseLargestOpenedPullRequest() {
        return github.parse(largestGitHubChange);
    }

    /** The largest GitLab merge request hook. */
    @Benchmark
    public ForgeEvent parseLargestGitLabMergeRequest() {
        return gitlab.parse(largestGitLab);
    }

    /** What the intake does before storing the largest payload: check its signature. */
    @Benchmark
    public Object verifyLargestGitHubPayload() {
        return webhooks.verify(signedHeaders, largestGitHub.body());
    }

    private static Path largest(Path dir, Predicate<Path> which) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".json")).filter(which)
                    .max(Comparator.comparingLong(ParseBenchmark::size))
                    .orElseThrow(() -> new IllegalStateException("no payloads in " + dir));
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Delivery delivery(String forge, String event, Path file) throws IOException {
        return new Delivery(new DeliveryKey(forge, "bench"), event, Files.readAllBytes(file), Instant.EPOCH);
    }
}
