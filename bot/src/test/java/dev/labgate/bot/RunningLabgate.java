package dev.labgate.bot;

import dev.labgate.testkit.Hmac;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The real service, started in this JVM on a free port, and a client that delivers webhooks the
 * way GitHub (signed) and GitLab (with a token) do. The reconciler's pass at start is off unless a
 * test turns it on, so that it never races a test's own deliveries.
 */
final class RunningLabgate implements AutoCloseable {

    private final EmbeddedServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    RunningLabgate(Map<String, Object> properties) {
        var all = new HashMap<String, Object>(properties);
        all.putIfAbsent("micronaut.server.port", -1);
        all.putIfAbsent("labgate.work.polling-interval", "200ms");
        all.putIfAbsent("labgate.reconcile.at-start", false);
        this.server = ApplicationContext.run(EmbeddedServer.class, all);
    }

    /**
     * The same properties with a free port chosen in advance and the public URL on it, for labs
     * that call the service back (LAVA's callbacks go to the public URL).
     */
    static Map<String, Object> reachableAtItsPublicUrl(Map<String, Object> properties) {
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var all = new HashMap<>(properties);
        all.put("micronaut.server.port", port);
        all.put("labgate.public-url", "http://127.0.0.1:" + port);
        return all;
    }

    URI url() {
        return server.getURI();
    }

    ApplicationContext context() {
        return server.getApplicationContext();
    }

    <T> T bean(Class<T> type) {
        return context().getBean(type);
    }

    HttpResponse<String> postGitHub(String event, String delivery, byte[] body, String secret) {
        var request = HttpRequest.newBuilder(url().resolve("/webhooks/github"))
                .header("Content-Type", "application/json")
                .header("X-GitHub-Event", event)
                .header("X-GitHub-Delivery", delivery);
        if (secret != null) {
            request.header("X-Hub-Signature-256", "sha256=" + hmac(secret, body));
        }
        return send(request.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    HttpResponse<String> postGitLab(String event, String idempotencyKey, byte[] body, String token) {
        var request = HttpRequest.newBuilder(url().resolve("/webhooks/gitlab"))
                .header("Content-Type", "application/json")
                .header("X-Gitlab-Event", event)
                .header("Idempotency-Key", idempotencyKey);
        if (token != null) {
            request.header("X-Gitlab-Token", token);
        }
        return send(request.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(url().resolve(path)).GET().build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String hmac(String secret, byte[] body) {
        return Hmac.sha256Hex(secret, body);
    }

    /**
     * Stops the service, then the command-lab runs it left running (they outlive a service by
     * design, see docs/labs.md), so that a test's directory can be deleted.
     */
    @Override
    public void close() {
        var work = server.getApplicationContext().getBean(LabgateSettings.class).dataDir().resolve("work");
        server.getApplicationContext().close();
        if (!Files.isDirectory(work)) {
            return;
        }
        try (Stream<Path> files = Files.walk(work, 3)) {
            for (var pid : files.filter(p -> p.getFileName().toString().equals("pid")).toList()) {
                // Only a wrapper still running (its pid may since have been given to another process).
                ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).filter(wrapper -> wrapper.info()
                        .commandLine().filter(line -> line.contains("labgate-run")).isPresent()).ifPresent(wrapper -> {
                    var below = wrapper.descendants().toList();
                    wrapper.destroyForcibly();
                    below.forEach(ProcessHandle::destroyForcibly);
                    below.forEach(process -> process.onExit().join());
                    wrapper.onExit().join();
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
