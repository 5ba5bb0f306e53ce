package dev.labgate.bot.cli;

import dev.labgate.bot.Labgate;
import dev.labgate.core.forge.Permission;
import dev.labgate.forge.github.GitHubWebhooks;
import dev.labgate.testkit.FakeForge;
import dev.labgate.testkit.FakeGitHub;
import dev.labgate.testkit.TestRepository;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * {@code labgate demo}: the whole job on this machine, without a real forge. It makes a sample
 * repository (a real git repository with a pull request), starts a GitHub stand-in on loopback
 * (testkit's FakeGitHub, shipped in the jar for this command only), starts the service against
 * them with a command lab, sends the pull request's webhook delivery signed as GitHub signs it,
 * and prints what a contributor would see: the run, the commit status and the summary comment.
 * The service keeps running so that its pages can be opened; Ctrl-C stops everything.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Watch labgate do its whole job locally, with a stand-in for GitHub: a sample repository, "
                + "a pull request delivery, a run on a command lab, its status and the summary comment.",
                "Its files go under DATA_DIR/demo; nothing leaves this machine."})
public final class DemoCommand implements Callable<Integer> {

    static final String REPO = "demo/linux";

    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port of the service (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--data-dir", defaultValue = "data", description = "where the demo keeps its files, "
            + "under demo/ (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--exit", description = "stop once the comment is written instead of serving the pages")
    boolean exit;

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        var root = dataDir.resolve("demo").toAbsolutePath().normalize();
        deleteTree(root);
        Files.createDirectories(root);
        var random = new byte[16];
        new SecureRandom().nextBytes(random);
        var secret = HexFormat.of().formatHex(random);
        var github = new FakeGitHub("labgate-demo").acceptToken("demo-token");
        var repos = root.resolve("git");
        // The stand-in places the repository where labgate fetches from, as GitHub places it on its own host.
        github.gitUrl(TestRepository.gitUrl(repos));
        try (var repo = TestRepository.create(repos, REPO)) {
            var base = repo.commit("refs/heads/master", null, "Linux 6.13", Map.of("README", "Linux kernel\n",
                    "MAINTAINERS", "M: Maria <maria@example.org>\n"));
            var head = repo.commit("refs/pull/1/head", base, "mm: fix a slab leak", Map.of("README", "Linux kernel\n",
                    "MAINTAINERS", "M: Maria <maria@example.org>\n", "mm/slab.c", "/* fixed */\n"));
            github.openChange(REPO, 1, "alice", head, base, false, List.of("mm/slab.c"), List.of(head));
            github.permission(REPO, "alice", Permission.Level.WRITE);
            out.println("1. A sample repository with a pull request: " + repos.resolve(REPO + ".git"));
            out.println("   demo/linux#1 by alice (write access), head " + head.substring(0, 12) + ": mm: fix a slab leak");
            var policy = Files.writeString(root.resolve("policy.yml"), """
                    # The demo's policy: one repository, authors with write access are trusted,
                    # and a command lab that checks out the head and runs a command in it.
                    repositories:
                      - github: demo/linux
                    trust:
                      min-permission: write
                    labs:
                      local:
                        type: command
                        command: "test -f mm/slab.c && echo 'boot test: ok'"
                        timeout: 2m
                    plans:
                      - name: smoke
                        lab: local
                    """);
            var baseUrl = "http://localhost:" + port;
            var properties = new HashMap<String, Object>();
            properties.put("micronaut.server.port", port);
            properties.put("labgate.data-dir", root.resolve("data").toString());
            properties.put("labgate.policy", policy.toString());
            properties.put("labgate.public-url", baseUrl);
            properties.put("labgate.github.api-url", github.url().toString());
            properties.put("labgate.github.git-url", TestRepository.gitUrl(repos));
            properties.put("labgate.github.webhook-secrets", secret);
            properties.put("labgate.github.token", "demo-token");
            // The delivery below is what starts the work, not the reconciler finding the pull request first.
            properties.put("labgate.reconcile.at-start", false);
            // The demo's own lines tell the story; the service's log says only what goes wrong.
            properties.put("logger.levels.dev.labgate", "WARN");
            var context = ApplicationContext.builder().mainClass(Labgate.class).properties(properties).banner(false)
                    .start();
            try {
                context.getBean(EmbeddedServer.class).start();
                out.println("2. labgate is serving on " + baseUrl + " (GitHub is a stand-in on " + github.url() + ")");
                out.flush();
                var delivery = github.changeDelivery(REPO, 1, "opened");
                var id = UUID.randomUUID().toString();
                var answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl
                                + "/webhooks/github")).header("Content-Type", "application/json")
                        .header("X-GitHub-Event", delivery.event()).header("X-GitHub-Delivery", id)
                        .header("X-Hub-Signature-256", GitHubWebhooks.signature(secret, delivery.body()))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body())).build(),
                        HttpResponse.BodyHandlers.ofString());
                out.println("3. GitHub sent the pull_request delivery " + id + ": labgate answered "
                        + answer.statusCode() + " (stored; the work goes on in the background)");
                out.flush();
                var done = waitForComment(github, head, Duration.ofMinutes(3));
                var statuses = github.statusesSeen(REPO, head);
                out.println("4. The run: " + statuses.stream().map(FakeForge.Status::targetUrl)
                        .filter(u -> u != null).findFirst().orElse(baseUrl + "/runs"));
                out.println("5. The commit status GitHub shows next to " + head.substring(0, 12) + ":");
                for (var status : statuses) {
                    out.println("     " + status.context() + ": " + status.state().name().toLowerCase(Locale.ROOT) + " - "
                            + status.description());
                }
                out.println("6. The summary comment on demo/linux#1:");
                for (var comment : github.commentsSeen(REPO, 1)) {
                    comment.body().lines().filter(l -> !l.startsWith("<!--")).forEach(l -> out.println("     " + l));
                }
                if (!done) {
                    out.println("   (not finished within 3 minutes: see " + baseUrl + "/runs)");
                }
                if (exit) {
                    return done ? 0 : 1;
                }
                out.println();
                out.println("The service keeps running: open " + baseUrl + "/runs and " + baseUrl
                        + "/labs. Ctrl-C stops it.");
                out.flush();
                Thread.currentThread().join();
                return 0;
            } finally {
                context.close();
                github.close();
            }
        }
    }

    /** Whether the final status and the summary comment arrived within {@code limit}. */
    private static boolean waitForComment(FakeGitHub github, String head, Duration limit) throws InterruptedException {
        var end = Instant.now().plus(limit);
        while (Instant.now().isBefore(end)) {
            var statuses = github.statusesSeen(REPO, head);
            if (!statuses.isEmpty() && statuses.get(statuses.size() - 1).state() != FakeForge.State.PENDING
                    && !github.commentsSeen(REPO, 1).isEmpty()) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    /** The demo's directory is its own: it is made anew each time. */
    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (var path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
