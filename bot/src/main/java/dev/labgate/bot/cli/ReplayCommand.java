package dev.labgate.bot.cli;

import dev.labgate.bot.LabgateSettings;
import dev.labgate.forge.github.GitHubWebhooks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * {@code labgate replay}: sends a saved webhook delivery to a labgate service through its public
 * intake, authenticated the way the forge authenticates it. The delivery is checked, stored and
 * deduplicated like any other, so a replay can neither skip the checks nor run twice by accident.
 * With {@code --retry ID} it asks the service instead to run again a piece of work that failed for
 * good (listed at {@code /api/deliveries?state=failed}), signed with the same secret.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Send a saved webhook delivery (its JSON body, e.g. copied from the forge's 'Recent "
                + "deliveries') to a labgate service, signed or tokened as the forge would.",
                "A new delivery id is used unless --delivery gives one; the same id twice is stored once.",
                "With --retry ID (and no FILE): run again the work that failed for good with that id, as listed at "
                        + "/api/deliveries?state=failed and /failed.",
                "Exit 0 when the service took it (2xx), 1 when it refused it, 2 when it could not be reached, "
                        + "64 on a usage error."})
public final class ReplayCommand implements Callable<Integer> {

    static final int USAGE = 64;

    enum ForgeKind { github, gitlab }

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "0..1", description = "the delivery's JSON body")
    Path file;

    @Option(names = "--retry", paramLabel = "ID", description = "retry the failed work ID instead of sending a delivery")
    String retry;

    @Option(names = "--event", paramLabel = "EVENT",
            description = "the event header: pull_request, push, issue_comment... (GitHub) or "
                    + "'Merge Request Hook', 'Push Hook', 'Note Hook' (GitLab)")
    String event;

    @Option(names = "--forge", defaultValue = "github", description = "github or gitlab (default: ${DEFAULT-VALUE})")
    ForgeKind forge;

    @Option(names = "--url", paramLabel = "URL",
            description = "the labgate service; the path /webhooks/<forge> is added (default: the address the "
                    + "service started from the same data directory wrote in it, else http://localhost:8080)")
    URI url;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "the service's data directory, where it notes its address (default: LABGATE_DATA_DIR, "
                    + "else ./data)")
    Path dataDir;

    @Option(names = "--delivery", paramLabel = "ID", description = "the delivery id to send (default: a new UUID)")
    String delivery;

    @Option(names = "--secret-file", paramLabel = "FILE",
            description = "a file holding the webhook secret (GitHub) or token (GitLab); default: the first value "
                    + "of LABGATE_GITHUB_WEBHOOK_SECRETS or LABGATE_GITLAB_WEBHOOK_TOKENS")
    Path secretFile;

    private final Function<String, String> environment;

    public ReplayCommand() {
        this(System::getenv);
    }

    /** With the environment variables read through {@code environment} instead of the process's. */
    public ReplayCommand(Function<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        if ((retry == null) == (file == null) || retry == null && event == null) {
            err.println("labgate replay: give either FILE with --event, or --retry ID");
            return USAGE;
        }
        byte[] body;
        if (retry != null) {
            body = ("{\"id\":\"" + retry.replaceAll("[^0-9a-f]", "") + "\"}").getBytes(StandardCharsets.UTF_8);
        } else {
            try {
                body = Files.readAllBytes(file);
            } catch (IOException e) {
                err.println("labgate replay: cannot read " + file + ": " + KcidbValidateCommand.describe(e));
                return USAGE;
            }
        }
        Optional<String> secret;
        try {
            secret = secret();
        } catch (IOException e) {
            err.println("labgate replay: cannot read " + secretFile + ": " + KcidbValidateCommand.describe(e));
            return USAGE;
        }
        if (secret.isEmpty()) {
            err.println("labgate replay: no webhook secret: give --secret-file, or set " + secretVariable());
            return USAGE;
        }
        var id = delivery == null ? UUID.randomUUID().toString() : delivery;
        var base = service();
        var target = base.resolve((base.getPath().endsWith("/") ? "" : base.getPath() + "/")
                + (retry != null ? "api/deliveries/retry" : "webhooks/" + forge));
        var request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("User-Agent", "labgate-replay")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        (retry != null ? signature(secret.get(), body) : headers(secret.get(), id, body)).forEach(request::header);
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException e) {
            err.println("labgate replay: nothing answers at " + target + " (is 'labgate serve' running there?)");
            return 2;
        } catch (IOException e) {
            err.println("labgate replay: " + target + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 2;
        }
        var answer = response.body().strip();
        var line = (retry != null ? "retry of failed work " + retry : forge + " delivery " + id + " (" + event + ", "
                + body.length + " bytes)") + " to " + target + ": " + response.statusCode()
                + (answer.isEmpty() ? "" : " " + answer);
        if (response.statusCode() / 100 == 2) {
            out.println(line);
            return 0;
        }
        err.println(line);
        return 1;
    }

    /** Where the service listens: --url, else what it noted in its data directory at start, else the default port. */
    private URI service() {
        if (url != null) {
            return url;
        }
        var directory = dataDir != null ? dataDir
                : Optional.ofNullable(environment.apply("LABGATE_DATA_DIR")).filter(d -> !d.isBlank()).map(Path::of)
                .orElse(Path.of("data"));
        try {
            return URI.create(Files.readString(directory.resolve(LabgateSettings.ADDRESS_FILE)).strip());
        } catch (IOException | IllegalArgumentException e) {
            return URI.create("http://localhost:8080");
        }
    }

    private Map<String, String> headers(String secret, String id, byte[] body) {
        return switch (forge) {
            case github -> Map.of("X-GitHub-Event", event, "X-GitHub-Delivery", id,
                    "X-Hub-Signature-256", GitHubWebhooks.signature(secret, body));
            case gitlab -> Map.of("X-Gitlab-Event", event, "X-Gitlab-Token", secret, "Idempotency-Key", id,
                    "X-Gitlab-Event-UUID", id);
        };
    }

    /** How a retry is signed: as the forge signs a delivery, with the same secret. */
    private Map<String, String> signature(String secret, byte[] body) {
        return switch (forge) {
            case github -> Map.of("X-Hub-Signature-256", GitHubWebhooks.signature(secret, body));
            case gitlab -> Map.of("X-Gitlab-Token", secret);
        };
    }

    private Optional<String> secret() throws IOException {
        var value = secretFile != null ? Files.readString(secretFile) : environment.apply(secretVariable());
        return Optional.ofNullable(value).map(v -> v.split(",")[0].strip()).filter(s -> !s.isEmpty());
    }

    private String secretVariable() {
        return forge == ForgeKind.github ? "LABGATE_GITHUB_WEBHOOK_SECRETS" : "LABGATE_GITLAB_WEBHOOK_TOKENS";
    }
}
