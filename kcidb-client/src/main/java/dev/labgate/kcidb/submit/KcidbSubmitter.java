package dev.labgate.kcidb.submit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labgate.core.kcidb.Build;
import dev.labgate.core.kcidb.Checkout;
import dev.labgate.core.kcidb.Incident;
import dev.labgate.core.kcidb.Issue;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.kcidb.Test;
import dev.labgate.kcidb.KcidbJson;
import dev.labgate.kcidb.KcidbValidator;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Submits KCIDB data to kcidb-ng: {@code POST <url>/submit} with {@code Authorization: Bearer
 * <jwt>}, then {@code GET <url>/status?id=} until the ingester has {@code processed} or
 * {@code failed} it. Data larger than {@link SubmitSettings#maxObjects} goes in several
 * submissions; a 5xx or 429 answer or a connection failure is tried again after the retry
 * policy's backoff, or after the wait a 429's {@code Retry-After} asks for.
 *
 * <p>Before anything is sent, every object must carry the configured origin and the data must
 * be valid KCIDB v5.3: kcidb-ng only checks that the body is JSON and leaves schema validation
 * to its ingester, whose verdict would come minutes later as a bare {@code failed}.
 * Thread-safe. {@link #submit} blocks until its submissions are settled or the poll limit passes
 * (a one-shot job); a service {@link #send}s and follows each submission's {@link #status} later.
 */
public final class KcidbSubmitter {

    private final HttpClient http;
    private final SubmitSettings settings;
    private final Pause pause;
    private final KcidbValidator validator = new KcidbValidator();

    public KcidbSubmitter(HttpClient http, SubmitSettings settings, Pause pause) {
        this.http = http;
        this.settings = settings;
        this.pause = pause;
    }

    /**
     * Submits {@code data} and waits for kcidb-ng to settle every part of it: for a one-shot job.
     *
     * @return one entry per submission; an entry still {@code inprogress} or {@code ready} when the poll limit passed
     * @throws KcidbSubmitException when the data is invalid or of another origin (nothing sent), when kcidb-ng
     *                              refuses a submission or stays unreachable, or when its ingester fails one
     */
    public List<Submission> submit(KcidbData data) throws KcidbSubmitException, InterruptedException {
        var sent = send(data);
        var settled = new ArrayList<Submission>();
        for (var submission : sent) {
            var result = await(submission, settled);
            settled.add(result);
            if (result.failed()) {
                throw new KcidbSubmitException("kcidb-ng failed submission " + result.id() + " (" + result.objects()
                        + " objects): " + result.message(), settled);
            }
        }
        return settled;
    }

    /**
     * Posts {@code data} (in several submissions when it is large) without waiting for the
     * ingester: a service follows each with {@link #status} from its own durable work.
     *
     * @return one entry per submission, each {@code inprogress}
     * @throws KcidbSubmitException when the data is invalid or of another origin (nothing sent), or when
     *                              kcidb-ng refuses a submission or stays unreachable (with those sent before)
     */
    public List<Submission> send(KcidbData data) throws KcidbSubmitException, InterruptedException {
        checkOrigin(data);
        var parts = split(data);
        for (int i = 0; i < parts.size(); i++) {
            var violations = validator.validate(KcidbJson.mapper().valueToTree(parts.get(i)));
            if (!violations.isEmpty()) {
                throw new KcidbSubmitException("not submitted: part " + (i + 1) + " is not valid KCIDB: "
                        + violations.get(0) + (violations.size() > 1 ? " (and " + (violations.size() - 1) + " more)" : ""),
                        List.of());
            }
        }
        var sent = new ArrayList<Submission>();
        for (var part : parts) {
            sent.add(post(part, sent));
        }
        return sent;
    }

    /**
     * Asks kcidb-ng once (tried again on 5xx) where a submission stands: {@code inprogress},
     * {@code ready}, {@code processed} or {@code failed}.
     *
     * @throws KcidbSubmitException when kcidb-ng does not know the submission or stays unreachable
     */
    public Submission status(Submission submission) throws KcidbSubmitException, InterruptedException {
        var uri = settings.url().resolve("status?id=" + URLEncoder.encode(submission.id(), StandardCharsets.UTF_8));
        var request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + settings.token())
                .timeout(Duration.ofSeconds(30)).GET().build();
        var answer = send(request, "status", List.of());
        var state = answer.path("status").asText("");
        var current = new Submission(submission.id(), submission.objects(), state, answer.path("message").asText(""));
        if (!current.processed() && !current.failed() && !"inprogress".equals(state) && !"ready".equals(state)) {
            throw new KcidbSubmitException("kcidb-ng lost submission " + submission.id() + ": " + describe(answer),
                    List.of());
        }
        return current;
    }

    /** Splits the data into documents of at most {@code maxObjects} objects, keeping the order of the lists. */
    List<KcidbData> split(KcidbData data) {
        var max = settings.maxObjects();
        var total = data.checkouts().size() + data.builds().size() + data.tests().size() + data.issues().size()
                + data.incidents().size();
        if (total <= max) {
            return List.of(data);
        }
        var parts = new ArrayList<KcidbData>();
        var all = Stream.<List<?>>of(data.checkouts(), data.builds(), data.tests(), data.issues(), data.incidents())
                .<Object>flatMap(List::stream).toList();
        for (int from = 0; from < all.size(); from += max) {
            var chunk = all.subList(from, Math.min(all.size(), from + max));
            parts.add(new KcidbData(data.version(), of(chunk, Checkout.class),
                    of(chunk, Build.class), of(chunk, Test.class),
                    of(chunk, Issue.class), of(chunk, Incident.class)));
        }
        return parts;
    }

    private static <T> List<T> of(List<?> chunk, Class<T> type) {
        return chunk.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private void checkOrigin(KcidbData data) throws KcidbSubmitException {
        var origin = settings.origin();
        var wrong = Stream.of(
                        data.checkouts().stream().filter(o -> !origin.equals(o.origin())).map(o -> "checkout " + o.id()),
                        data.builds().stream().filter(o -> !origin.equals(o.origin())).map(o -> "build " + o.id()),
                        data.tests().stream().filter(o -> !origin.equals(o.origin())).map(o -> "test " + o.id()),
                        data.issues().stream().filter(o -> !origin.equals(o.origin())).map(o -> "issue " + o.id()),
                        data.incidents().stream().filter(o -> !origin.equals(o.origin())).map(o -> "incident " + o.id()))
                .flatMap(s -> s).limit(3).toList();
        if (!wrong.isEmpty()) {
            throw new KcidbSubmitException("not submitted: objects must have origin '" + origin + "' (the origin of "
                    + "the token), but " + String.join(", ", wrong) + " do not", List.of());
        }
    }

    private Submission post(KcidbData part, List<Submission> sent) throws KcidbSubmitException, InterruptedException {
        var objects = part.checkouts().size() + part.builds().size() + part.tests().size() + part.issues().size()
                + part.incidents().size();
        var request = HttpRequest.newBuilder(settings.url().resolve("submit"))
                .header("Authorization", "Bearer " + settings.token())
                .header("Content-Type", "application/json")
                .timeout(Duration.ofMinutes(2))
                .POST(HttpRequest.BodyPublishers.ofByteArray(KcidbJson.write(part)))
                .build();
        var answer = send(request, "submit", sent);
        var status = answer.path("status").asText("");
        if (!"ok".equals(status)) {
            throw new KcidbSubmitException("kcidb-ng did not accept the submission: " + describe(answer), sent);
        }
        return new Submission(answer.path("id").asText(), objects, "inprogress", answer.path("message").asText(""));
    }

    private Submission await(Submission submission, List<Submission> settled)
            throws KcidbSubmitException, InterruptedException {
        var waited = Duration.ZERO;
        while (true) {
            Submission current;
            try {
                current = status(submission);
            } catch (KcidbSubmitException e) {
                throw new KcidbSubmitException(e.getMessage(), settled, e);
            }
            if (current.processed() || current.failed() || waited.compareTo(settings.pollLimit()) >= 0) {
                return current;
            }
            pause.pause(settings.pollInterval());
            waited = waited.plus(settings.pollInterval());
        }
    }

    /**
     * One request, tried again on 5xx and on connection failures; the answer is kcidb-ng's JSON
     * (also for 404 on status, which carries {@code notfound}).
     */
    private JsonNode send(HttpRequest request, String what, List<Submission> done)
            throws KcidbSubmitException, InterruptedException {
        String last = "";
        var failures = 0;
        for (int attempt = 1; attempt <= settings.attempts(); attempt++) {
            Optional<Duration> asked = Optional.empty();
            try {
                var response = http.send(request, HttpResponse.BodyHandlers.ofString());
                var code = response.statusCode();
                if (code < 500 && code != 429) {
                    var answer = parse(response.body());
                    if (code == 200 || code == 404 && "status".equals(what)) {
                        return answer;
                    }
                    throw new KcidbSubmitException("kcidb-ng refused " + what + " (HTTP " + code + "): "
                            + describe(answer), done);
                }
                last = "HTTP " + code;
                asked = response.headers().firstValue("Retry-After").flatMap(KcidbSubmitter::seconds);
            } catch (IOException e) {
                last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            if (attempt < settings.attempts()) {
                // a wait kcidb-ng asked for is not a failure to back off from
                pause.pause(asked.isPresent() ? asked.get() : settings.retry().backoff(++failures));
            }
        }
        throw new KcidbSubmitException("kcidb-ng at " + host(settings.url()) + " did not answer " + what + " after "
                + settings.attempts() + " tries (last: " + last + ")", done);
    }

    private static Optional<Duration> seconds(String header) {
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(header.strip()))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static JsonNode parse(String body) {
        try {
            return KcidbJson.mapper().readTree(body);
        } catch (IOException e) {
            return KcidbJson.mapper().createObjectNode().put("message", body.length() > 200 ? body.substring(0, 200) : body);
        }
    }

    private static String describe(JsonNode answer) {
        var status = answer.path("status").asText("");
        var message = answer.path("message").asText("");
        return (status.isEmpty() ? "" : status + ": ") + (message.isEmpty() ? answer.toString() : message);
    }

    private static String host(URI url) {
        return url.getScheme() + "://" + url.getAuthority();
    }
}
