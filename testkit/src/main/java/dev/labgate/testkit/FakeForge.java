package dev.labgate.testkit;

import dev.labgate.core.forge.Permission;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * What a test does with a fake forge, the same for GitHub and GitLab, so that one scenario runs
 * against both: open and push changes, grant permissions, write comments as people, read back
 * what labgate reported (in forge-neutral terms), and make the API misbehave. Each fake also
 * produces the webhook deliveries the real forge would send for what happened.
 */
public interface FakeForge extends AutoCloseable {

    /** A status as a contributor sees it: pending, or a final success or failure. */
    enum State { PENDING, SUCCESS, FAILURE }

    record Status(String sha, String context, State state, String description, String targetUrl, String details) {
    }

    record Comment(String id, String author, String body) {
    }

    /**
     * A comment on a line of a change's diff as it is now (GitHub: a review comment; GitLab: the
     * first note of a positioned discussion).
     *
     * @param line the line of the head's diff it sits on; 0 when the forge shows it as outdated
     * @param resolved whether its thread is resolved (GitLab; GitHub's REST API cannot resolve)
     */
    record LineComment(String id, String author, String path, int line, String body, boolean resolved) {
    }

    /** A webhook delivery as the forge would send it: its event name header and raw body. */
    record Delivery(String event, byte[] body) {
    }

    /** The API's base URL to configure the adapter with. */
    URI url();

    /** Which forge this fakes: {@code github} or {@code gitlab}. */
    String kind();

    /**
     * Where the forge says its repositories are cloned from, as the clone URLs in its payloads show
     * it ({@code https://github.com/} on GitHub, the instance's URL on GitLab); the fake's own
     * address, or {@code https://github.example/}, unless set.
     */
    void gitUrl(String url);

    /** Opens a change (or replaces it) with this head, base and author; {@code fork}: the head lives in the author's fork. */
    void openChange(String repo, long number, String author, String head, String base, boolean fork,
                    List<String> files, List<String> commits);

    /**
     * The change's diff at its current head, as {@code git diff <base> <head>} writes it: the forge
     * lists these files, hands out these hunks, and accepts comments only on lines they show.
     */
    void changeDiff(String repo, long number, String gitDiff);

    /** Moves the head of an open change (a push, or a force-push). */
    void pushToChange(String repo, long number, String newHead);

    void closeChange(String repo, long number);

    /** The person's access to a repository, in GitHub's terms (mapped onto GitLab's roles). */
    void permission(String repo, String user, Permission.Level level);

    /** A person writes a comment on a change. */
    Comment comment(String repo, long number, String author, String body);

    /**
     * A person approves the change's current head the way the forge records it against that head,
     * for a one-shot job to read back: GitHub, an approving review; GitLab, a {@code /labgate ok-to-test} note.
     */
    void approveHead(String repo, long number, String approver);

    /** Every status (or check run state) labgate wrote on a commit, oldest first. */
    List<Status> statusesSeen(String repo, String sha);

    /** The comments of a change as they are now, oldest first. */
    List<Comment> commentsSeen(String repo, long number);

    /** The comments on lines of a change, oldest first. */
    List<LineComment> lineCommentsSeen(String repo, long number);

    /**
     * The bodies of labgate's reviews of a change (GitHub) or of its discussions without a position
     * (GitLab), oldest first.
     */
    List<String> reviewBodiesSeen(String repo, long number);

    /** The delivery the forge sends when a change is opened ({@code opened}) or pushed ({@code pushed}). */
    Delivery changeDelivery(String repo, long number, String action);

    /** The delivery the forge sends for a new comment. */
    Delivery commentDelivery(String repo, long number, Comment comment);

    /** The delivery the forge sends when a change is closed. */
    Delivery closeDelivery(String repo, long number, String by);

    /** The headers that authenticate a delivery for an adapter configured with {@code secret}. */
    Map<String, String> deliveryHeaders(Delivery delivery, String id, String secret);

    /** The next {@code count} requests fail with {@code status} (an outage). */
    void failNext(int count, int status);

    /**
     * The next {@code count} status writes (check runs for a GitHub App) get no answer, and are
     * applied only by {@link #applyHeld()}.
     */
    void holdNextStatusWrites(int count);

    /** Applies the writes held back, as a forge does that had them queued; returns how many. */
    int applyHeld();

    /** Runs {@code action} just before the next {@code method} request whose path matches {@code pathRegex} is answered. */
    void beforeNext(String method, String pathRegex, Runnable action);

    /** The next {@code count} requests are refused as rate-limited, the forge's usual way. */
    void rateLimitNext(int count);

    /** How many requests the fake has received. */
    int requestCount();

    @Override
    void close();
}
