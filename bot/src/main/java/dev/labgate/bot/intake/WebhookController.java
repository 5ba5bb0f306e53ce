package dev.labgate.bot.intake;

import dev.labgate.core.event.Delivery;
import dev.labgate.core.forge.WebhookCheck;
import dev.labgate.flow.Forges;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.HashMap;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@code POST /webhooks/{forge}}: checks a delivery's authenticity, stores it durably and answers
 * 202, or 200 for a redelivery of a stored id. Nothing is stored for a refused request.
 */
@Controller("/webhooks")
public final class WebhookController {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookController.class);

    /** The answer body: what happened to the delivery, or why it was refused. */
    public record Answer(String delivery, String status, String error) {
        static Answer ok(String delivery, String status) {
            return new Answer(delivery, status, null);
        }

        static Answer refused(String error) {
            return new Answer(null, null, error);
        }
    }

    private final Forges forges;
    private final DeliveryIntake intake;
    private final Clock clock;

    public WebhookController(Forges forges, DeliveryIntake intake, Clock clock) {
        this.forges = forges;
        this.intake = intake;
        this.clock = clock;
    }

    @Post("/{forge}")
    @Consumes(MediaType.ALL)
    @Produces(MediaType.APPLICATION_JSON)
    public CompletableFuture<HttpResponse<Answer>> receive(@PathVariable String forge, HttpHeaders headers,
                                                           @Body byte[] body) {
        var target = forges.find(forge);
        if (target.isEmpty()) {
            return done(HttpStatus.NOT_FOUND, "no forge named '" + forge + "' is configured");
        }
        var names = new HashMap<String, String>();
        headers.forEachValue((name, value) -> names.putIfAbsent(name.toLowerCase(Locale.ROOT), value));
        var check = target.get().verify(names, body == null ? new byte[0] : body);
        if (check instanceof WebhookCheck.Rejected rejected) {
            LOG.warn("{} webhook refused: {}", forge, rejected.message());
            return done(rejected.why() == WebhookCheck.Why.UNAUTHENTICATED ? HttpStatus.UNAUTHORIZED
                    : HttpStatus.BAD_REQUEST, rejected.message());
        }
        var accepted = (WebhookCheck.Accepted) check;
        var problem = JsonCheck.problem(body);
        if (problem != null) {
            return done(HttpStatus.BAD_REQUEST, problem);
        }
        var delivery = new Delivery(accepted.key(), accepted.event(), body, clock.instant());
        return intake.store(delivery).handle((stored, failure) -> {
            if (failure != null) {
                var cause = failure instanceof CompletionException ? failure.getCause() : failure;
                var busy = cause instanceof DeliveryIntake.Busy;
                return HttpResponse.<Answer>status(HttpStatus.SERVICE_UNAVAILABLE)
                        .body(Answer.refused(busy ? cause.getMessage() : "the delivery could not be stored; retry later"));
            }
            if (stored == DeliveryIntake.Stored.DUPLICATE) {
                LOG.info("{} delivery {} ({}) was already stored", forge, accepted.key().id(), accepted.event());
                return HttpResponse.ok(Answer.ok(accepted.key().id(), "duplicate"));
            }
            if (LOG.isDebugEnabled()) {
                LOG.debug("{} delivery {} ({}) stored", forge, accepted.key().id(), accepted.event());
            }
            return HttpResponse.<Answer>status(HttpStatus.ACCEPTED).body(Answer.ok(accepted.key().id(), "accepted"));
        });
    }

    private static CompletableFuture<HttpResponse<Answer>> done(HttpStatus status, String error) {
        return CompletableFuture.completedFuture(HttpResponse.<Answer>status(status).body(Answer.refused(error)));
    }
}
