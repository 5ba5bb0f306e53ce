package dev.labgate.testkit;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * GitHub's web host for release assets on loopback: {@code GET /OWNER/REPO/releases/download/TAG/NAME}
 * answers 302 to the asset's storage, which answers the bytes
 * (docs.github.com/en/repositories/releasing-projects-on-github/linking-to-releases; the redirect to
 * a separate asset host is what clients such as curl must follow with {@code -L}). An asset not
 * published answers 404, as github.com does. Each test starts its own.
 */
public final class FakeGitHubReleases extends FakeHttpServer {

    private static final Pattern DOWNLOAD = Pattern.compile("^/([^/]+/[^/]+)/releases/download/([^/]+)/([^/]+)$");
    private static final Pattern OBJECT = Pattern.compile("^/release-assets/(\\d+)$");

    private final Map<String, Long> assets = new ConcurrentHashMap<>();
    private final Map<Long, byte[]> objects = new ConcurrentHashMap<>();

    public FakeGitHubReleases() throws IOException {
        super();
    }

    /** The server URL ({@code GITHUB_SERVER_URL}) under which releases are downloaded. */
    public URI url() {
        return baseUrl();
    }

    /** Publishes (or replaces) an asset of a release. */
    public FakeGitHubReleases publish(String repository, String tag, String name, byte[] content) {
        var id = nextId();
        objects.put(id, content.clone());
        assets.put(repository + "/" + tag + "/" + name, id);
        return this;
    }

    @Override
    protected Answer answer(String method, String path, Map<String, String> query, String body,
                            HttpExchange exchange) {
        if (!method.equals("GET")) {
            return Answer.empty(404);
        }
        var download = DOWNLOAD.matcher(path);
        if (download.matches()) {
            var id = assets.get(download.group(1) + "/" + download.group(2) + "/" + download.group(3));
            return id == null ? Answer.bytes(404, "Not Found".getBytes(), Map.of("Content-Type", "text/plain"))
                    : Answer.bytes(302, new byte[0], Map.of("Location", baseUrl() + "/release-assets/" + id));
        }
        var object = OBJECT.matcher(path);
        if (object.matches() && objects.containsKey(Long.parseLong(object.group(1)))) {
            return Answer.bytes(200, objects.get(Long.parseLong(object.group(1))),
                    Map.of("Content-Type", "application/octet-stream"));
        }
        return Answer.bytes(404, "Not Found".getBytes(), Map.of("Content-Type", "text/plain"));
    }
}
