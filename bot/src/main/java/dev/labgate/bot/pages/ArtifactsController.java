package dev.labgate.bot.pages;

import dev.labgate.bot.PolicyLabs;
import dev.labgate.lab.artifact.ArtifactStore;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Head;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.server.types.files.SystemFile;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

import java.util.Base64;
import java.util.HexFormat;

/**
 * {@code GET /artifacts/<run>/<token>/<file>} (and {@code HEAD}): the files a build published,
 * read-only, for the labs of later stages (a LAVA worker downloads the kernel from here) and for
 * people. Each answer names the file's SHA-256 ({@code ETag}, and {@code Repr-Digest} as RFC 9530
 * writes it); {@code <run>/<token>/SHA256SUMS} lists every file of the run with its checksum. The
 * same read rules as the run pages apply ({@link dev.labgate.bot.http.NetworkAllowlist}), and the token (an HMAC of the
 * run id, {@link ArtifactStore}) must be the run's. Only published files are served: a wrong
 * token, a path that leaves the run's directory, or a file the run did not publish is the same 404.
 */
@Controller("/artifacts")
@ExecuteOn(TaskExecutors.BLOCKING)
public final class ArtifactsController {

    private final PolicyLabs labs;

    public ArtifactsController(PolicyLabs labs) {
        this.labs = labs;
    }

    @Get(value = "/{run}/{token}/{+file}", headRoute = false)
    public HttpResponse<?> file(@PathVariable String run, @PathVariable String token, @PathVariable String file) {
        var found = labs.artifacts().find(run, token, file);
        if (found.isEmpty()) {
            return missing();
        }
        var served = found.get();
        return described(HttpResponse.ok(new SystemFile(served.path().toFile(), type(file))), served.file());
    }

    /** What a GET would answer, without the file: LAVA's workers ask this first, for the size. */
    @Head("/{run}/{token}/{+file}")
    public HttpResponse<?> head(@PathVariable String run, @PathVariable String token, @PathVariable String file) {
        var found = labs.artifacts().find(run, token, file);
        if (found.isEmpty()) {
            return HttpResponse.status(HttpStatus.NOT_FOUND);
        }
        return described(HttpResponse.ok().contentType(type(file)).contentLength(found.get().file().size()),
                found.get().file());
    }

    /** Says nothing of what the request named: an answer that differs would tell which runs have artifacts. */
    private static MutableHttpResponse<?> missing() {
        return HttpResponse.status(HttpStatus.NOT_FOUND).contentType(MediaType.TEXT_PLAIN_TYPE)
                .body("labgate has no such artifact (never published, deleted after the retention period, "
                        + "or not this address).\n");
    }

    private static MediaType type(String file) {
        return MediaType.of(ArtifactStore.contentType(file));
    }

    private static MutableHttpResponse<?> described(MutableHttpResponse<?> response, ArtifactStore.Stored file) {
        return response.header("ETag", "\"" + file.sha256() + "\"")
                .header("Repr-Digest", "sha-256=:" + Base64.getEncoder().encodeToString(HexFormat.of()
                        .parseHex(file.sha256())) + ":")
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", "default-src 'none'; sandbox")
                .header("Cache-Control", "no-cache");
    }
}
