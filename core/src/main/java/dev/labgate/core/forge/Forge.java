package dev.labgate.core.forge;

import dev.labgate.core.event.Delivery;
import dev.labgate.core.event.ForgeEvent;

import java.util.Map;
import java.util.function.Predicate;

/**
 * One configured forge (GitHub or GitLab): webhooks in, facts out, reports out.
 *
 * <p>Implementations are thread-safe and hold no per-delivery state. Facts are always asked of
 * the forge's API, never taken from a payload alone. Calls that reach the forge throw
 * {@link ForgeException} on failure; callers retry those inside their durable task.
 */
public interface Forge extends ForgeFacts, ForgeReports {

    /** The configured name of this forge, e.g. {@code github}; the first part of every {@code RepoRef}. */
    String name();

    /**
     * Checks a webhook request before anything is stored: its authenticity (signature or token)
     * and the headers labgate needs. Cheap and free of I/O: it runs on the intake's hot path.
     *
     * @param headers request headers, names in lower case
     * @param body the raw body, exactly as received
     */
    WebhookCheck verify(Map<String, String> headers, byte[] body);

    /**
     * Maps a stored delivery to what it means. Never throws for a payload the forge can send:
     * anything labgate does not act on becomes {@link ForgeEvent.Ignored} with a reason. Where a
     * payload leaves out a fact an event needs (GitLab names a merge request's author by id only),
     * the forge's API is asked, and that call can fail with {@link ForgeException} like any other.
     */
    ForgeEvent parse(Delivery delivery);

    /**
     * Asks the forge to send again the deliveries it failed to deliver to labgate and that labgate
     * has not stored since, at most {@code max} of them; returns how many it asked for. A forge
     * that keeps no such log (GitLab, GitHub without an App) asks for none.
     *
     * @param stored whether labgate already has the delivery with this id
     */
    int redeliverFailed(Predicate<String> stored, int max);
}
