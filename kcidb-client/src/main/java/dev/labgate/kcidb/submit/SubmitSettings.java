package dev.labgate.kcidb.submit;

import dev.labgate.core.retry.RetryPolicy;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how labgate submits to kcidb-ng.
 *
 * @param url the kcidb-ng base URL (e.g. {@code https://db.kernelci.org/}); {@code /submit} and {@code /status} are below it
 * @param token the JWT the KernelCI team issued for this origin; sent as {@code Authorization: Bearer}, never logged
 * @param origin the origin every submitted object must carry (the one the token is for)
 * @param maxObjects objects per submission; larger data is split into several submissions
 * @param attempts tries per request when kcidb-ng answers 5xx or cannot be reached
 * @param retry the waits between tries: labgate's one policy for outside calls
 *              ({@link RetryPolicy#OUTSIDE_CALLS}), or a shorter one in tests
 * @param pollInterval wait between two status checks of a submission
 * @param pollLimit how long to wait for kcidb-ng to process a submission before reporting it still pending
 */
public record SubmitSettings(URI url, String token, String origin, int maxObjects, int attempts, RetryPolicy retry,
                             Duration pollInterval, Duration pollLimit) {

    public SubmitSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(retry, "retry");
        if (maxObjects < 1 || attempts < 1) {
            throw new IllegalArgumentException("maxObjects and attempts must be at least 1");
        }
        url = url.toString().endsWith("/") ? url : URI.create(url + "/");
    }

    /** Defaults: 10,000 objects per submission, 5 tries by labgate's retry policy, status every 5 s for up to 10 minutes. */
    public static SubmitSettings of(URI url, String token, String origin) {
        return new SubmitSettings(url, token, origin, 10_000, 5, RetryPolicy.OUTSIDE_CALLS, Duration.ofSeconds(5),
                Duration.ofMinutes(10));
    }

    @Override
    public String toString() {
        return "SubmitSettings[url=" + url + ", origin=" + origin + ", token=<hidden>]";
    }
}
