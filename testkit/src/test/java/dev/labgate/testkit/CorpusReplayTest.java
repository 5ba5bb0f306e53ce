package dev.labgate.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Answers the upstream servers gave, replayed against the fakes (../shared/corpus): each recorded
 * request goes to the fake, set up as the recording's server was, and the fake must answer with the
 * recorded status and the same values in the fields labgate reads. GitHub: hub4j's WireMock
 * recordings of api.github.com and GitHub's OpenAPI examples; LAVA: LAVA's own sample job with a
 * callback; KernelCI: a checkout request and kci-dev's example job node. Skipped, with the reason,
 * when the corpus is absent.
 */
class CorpusReplayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final long INSTALLATION = 13064215L;

    private static Path corpus(String folder) {
        var shared = System.getProperty("labgate.shared");
        Assumptions.assumeTrue(shared != null, "labgate.shared is not set: run through Maven to find ../shared");
        var dir = Path.of(shared, "corpus", folder);
        Assumptions.assumeTrue(Files.isDirectory(dir), "the shared corpus is absent: no " + dir);
        return dir;
    }

    /** One recorded exchange: the request and what api.github.com answered. */
    private record Recording(String name, String method, String url, String body, int status, JsonNode answer) {
    }

    private static List<Recording> recordings(String test) {
        var dir = corpus("github-api-recordings").resolve(test).resolve("wiremock");
        var all = new ArrayList<Recording>();
        try (Stream<Path> methods = Files.list(dir)) {
            for (var method : methods.sorted().toList()) {
                try (Stream<Path> mappings = Files.list(method.resolve("mappings"))) {
                    for (var mapping : mappings.sorted().toList()) {
                        var node = JSON.readTree(mapping.toFile());
                        var request = node.path("request");
                        var file = node.path("response").path("bodyFileName").asText(null);
                        var answer = file == null ? null : JSON.readTree(method.resolve("__files").resolve(file).toFile());
                        all.add(new Recording(test + "/" + method.getFileName() + "/" + mapping.getFileName(),
                                request.path("method").asText(), request.path("url").asText(),
                                request.path("bodyPatterns").path(0).path("equalToJson").asText(null),
                                node.path("response").path("status").asInt(), answer));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }

    private static HttpResponse<String> send(URI base, String method, String path, String body, String authorization) {
        var request = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "application/vnd.github+json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The fields labgate reads (dotted paths) that the recorded answer has are in the fake's answer
     * with the same value, or at least the same type.
     */
    private static void sameFields(JsonNode recorded, JsonNode fake, List<String> sameValue, List<String> sameType) {
        for (var field : sameValue) {
            if (!at(recorded, field).isMissingNode()) {
                assertThat(at(fake, field)).as(field).isEqualTo(at(recorded, field));
            }
        }
        for (var field : sameType) {
            assertThat(at(fake, field).getNodeType()).as(field).isEqualTo(at(recorded, field).getNodeType());
        }
    }

    private static JsonNode at(JsonNode node, String dotted) {
        var current = node;
        for (var part : dotted.split("\\.")) {
            current = current.path(part);
        }
        return current;
    }

    @TestFactory
    Stream<DynamicTest> github_issue_comments_are_created_as_github_creates_them() {
        var recorded = Stream.of("GHIssueTest", "GHPullRequestTest").flatMap(t -> recordings(t).stream())
                .filter(r -> r.method().equals("POST") && r.url().matches("/repos/[^/]+/[^/]+/issues/\\d+/comments"));
        return recorded.map(r -> DynamicTest.dynamicTest(r.name(), () -> {
            try (var github = new FakeGitHub(r.answer().path("user").path("login").asText())) {
                var answer = send(github.url(), r.method(), r.url(), r.body(), "token bogus");
                assertThat(answer.statusCode()).isEqualTo(r.status());
                sameFields(r.answer(), json(answer.body()), List.of("body", "user.login"), List.of("id", "html_url"));
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> github_permissions_are_answered_as_github_answers_them() {
        return recordings("GHRepositoryTest").stream()
                .filter(r -> r.url().matches("/repos/[^/]+/[^/]+/collaborators/[^/]+/permission") && r.status() == 200)
                .map(r -> DynamicTest.dynamicTest(r.name(), () -> {
                    try (var github = new FakeGitHub()) {
                        var parts = r.url().split("/");
                        // Answers from before GitHub added role_name (2019) name the role in permission.
                        github.permission(parts[2] + "/" + parts[3], parts[5], r.answer().path("role_name")
                                .asText(r.answer().path("permission").asText()));
                        var answer = send(github.url(), r.method(), r.url(), null, "token bogus");
                        assertThat(answer.statusCode()).isEqualTo(r.status());
                        sameFields(r.answer(), json(answer.body()), List.of("permission", "role_name"), List.of());
                    }
                }));
    }

    @TestFactory
    Stream<DynamicTest> github_organization_membership_is_answered_with_githubs_status_codes() {
        return recordings("AppTest").stream().filter(r -> r.url().matches("/orgs/[^/]+/members/[^/]+"))
                .map(r -> DynamicTest.dynamicTest(r.name(), () -> {
                    try (var github = new FakeGitHub()) {
                        var parts = r.url().split("/");
                        if (r.status() == 204) {
                            github.orgMember(parts[2], parts[4]);
                        }
                        assertThat(send(github.url(), r.method(), r.url(), null, "token bogus").statusCode())
                                .isEqualTo(r.status());
                    }
                }));
    }

    @Test
    void github_check_runs_are_created_and_completed_by_an_app_as_github_does_it() throws Exception {
        var recorded = recordings("GHCheckRunBuilderTest").stream()
                .filter(r -> r.url().matches("/repos/[^/]+/[^/]+/check-runs(/\\d+)?")).toList();
        assertThat(recorded).isNotEmpty();
        var keys = KeyPairGenerator.getInstance("RSA");
        keys.initialize(2048);
        var pair = keys.generateKeyPair();
        try (var github = new FakeGitHub().app("83009", "labgate-test", pair.getPublic())
                .installation("hub4j-test-org", INSTALLATION)) {
            var minted = send(github.url(), "POST", "/app/installations/" + INSTALLATION + "/access_tokens", "{}",
                    "Bearer " + appJwt("83009", pair.getPrivate()));
            assertThat(minted.statusCode()).isEqualTo(201);
            var token = "token " + json(minted.body()).path("token").asText();
            var ids = new HashMap<String, String>();
            for (var r : recorded) {
                var url = r.url();
                for (var id : ids.entrySet()) {
                    url = url.replace("/check-runs/" + id.getKey(), "/check-runs/" + id.getValue());
                }
                var answer = send(github.url(), r.method(), url, r.body(), token);
                assertThat(answer.statusCode()).as(r.name()).isEqualTo(r.status());
                var fake = json(answer.body());
                sameFields(r.answer(), fake, r.method().equals("POST") ? List.of("status", "conclusion", "name", "head_sha")
                        : List.of("status", "conclusion"), List.of("id", "output.title", "output.summary"));
                ids.put(r.answer().path("id").asText(), fake.path("id").asText());
            }
        }
    }

    @Test
    void githubs_openapi_examples_of_the_writes_labgate_makes_are_taken() throws Exception {
        var examples = json(Files.readString(corpus("github-api-recordings").resolve("openapi-examples")
                .resolve("selected-endpoints.json")));
        try (var github = new FakeGitHub()) {
            var status = examples.path("POST /repos/{owner}/{repo}/statuses/{sha}");
            var answer = send(github.url(), "POST", "/repos/octocat/Hello-World/statuses/"
                    + "6dcb09b5b57875f334f61aebed695e2e4193db5e", status.path("requestExamples").path("default")
                    .toString(), "token bogus");
            assertThat(answer.statusCode()).isEqualTo(201);
            // The request and response examples are separate: values come back as sent, types as in the example.
            sameFields(status.path("requestExamples").path("default"), json(answer.body()),
                    List.of("state", "description", "target_url", "context"), List.of());
            sameFields(status.path("responses").path("201").path("examples").path("default"), json(answer.body()),
                    List.of(), List.of("id", "state", "description", "target_url", "context"));

            var comment = examples.path("POST /repos/{owner}/{repo}/issues/{issue_number}/comments");
            answer = send(github.url(), "POST", "/repos/octocat/Hello-World/issues/1347/comments",
                    comment.path("requestExamples").path("default").toString(), "token bogus");
            assertThat(answer.statusCode()).isEqualTo(201);
            sameFields(comment.path("requestExamples").path("default"), json(answer.body()), List.of("body"), List.of());
            sameFields(comment.path("responses").path("201").path("examples").path("default"), json(answer.body()),
                    List.of(), List.of("id", "html_url", "user.login"));
        }
    }

    @Test
    void lavas_own_sample_job_with_a_callback_is_taken_and_called_back_as_it_asks() throws Exception {
        var sample = Files.readString(corpus("lava").resolve("sample-job-qemu-callback-post.yaml"));
        try (var lava = new FakeLava("token")) {
            var answer = HTTP.send(HttpRequest.newBuilder(URI.create(lava.url() + "/api/v0.2/jobs/"))
                    .header("Authorization", "Token token").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("definition", sample)
                            .toString())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(201);
            var id = json(answer.body()).path("job_ids").path(0).asInt();
            var job = json(HTTP.send(HttpRequest.newBuilder(URI.create(lava.url() + "/api/v0.2/jobs/" + id + "/"))
                    .header("Authorization", "Token token").build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(job.path("description").asText()).isEqualTo("qemu-pipeline");
            assertThat(job.has("metadata")).as("a 2026.07 job has no metadata field").isFalse();

            lava.finish(id, "Complete", null, List.of(FakeLava.Case.job("pass", null, null)));
            var callback = lava.callback(id);
            @SuppressWarnings("unchecked")
            var asked = ((List<Map<String, Object>>) ((Map<String, Object>) lava.job(id).parsed().get("notify"))
                    .get("callbacks")).get(0);
            assertThat(callback.url()).isEqualTo(URI.create((String) asked.get("url")));
            assertThat(callback.headers()).containsEntry((String) asked.getOrDefault("header", "Authorization"),
                    (String) asked.get("token"));
            var body = json(new String(callback.body(), StandardCharsets.UTF_8));
            assertThat(body.has("results")).isEqualTo(List.of("results", "all").contains(asked.get("dataset")));
            assertThat(body.path("id").asInt()).isEqualTo(id);
        }
    }

    @Test
    void kernelci_takes_a_checkout_request_and_its_nodes_carry_the_fields_of_a_real_job_node() throws Exception {
        var request = json(Files.readString(corpus("maestro").resolve("api-checkout-request.json")));
        var example = json(Files.readString(corpus("maestro").resolve("example-job-node.json")));
        var token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"email\":\"labgate@example.org\",\"permissions\":[\"checkout\"]}".getBytes(StandardCharsets.UTF_8))
                + ".c2ln";
        try (var maestro = new FakeMaestro(token).tree("mainline", request.path("url").asText())
                .jobs("kbuild-gcc-12-x86", "baseline-x86").platforms("qemu-x86")) {
            var answer = HTTP.send(HttpRequest.newBuilder(URI.create(maestro.url() + "/api/checkout"))
                    .header("Authorization", token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(request.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            var checkout = json(answer.body()).path("node");
            var job = maestro.node(maestro.add(checkout.path("id").asText(), "job", "baseline-x86", "qemu-x86"));
            var fields = new ArrayList<String>();
            example.fieldNames().forEachRemaining(fields::add);
            // kci-dev's example spells the filter "job-filter"; lava_callback.py writes "jobfilter", as the fake does.
            fields.remove("job-filter");
            assertThat(job.has("jobfilter")).isTrue();
            assertThat(fields).allSatisfy(f -> assertThat(job.has(f)).as(f).isTrue());
            assertThat(List.of("kind", "state", "name", "treeid", "created"))
                    .allSatisfy(f -> assertThat(job.path(f).getNodeType()).as(f).isEqualTo(example.path(f).getNodeType()));
        }
    }

    /** An RS256 JWT issued by the App, as GitHub's App authentication asks for. */
    private static String appJwt(String appId, PrivateKey key) throws Exception {
        var encoder = Base64.getUrlEncoder().withoutPadding();
        var now = Instant.now().getEpochSecond();
        var head = encoder.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + encoder.encodeToString(("{\"iat\":" + (now - 60) + ",\"exp\":" + (now + 540) + ",\"iss\":\"" + appId
                + "\"}").getBytes(StandardCharsets.UTF_8));
        var signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(key);
        signer.update(head.getBytes(StandardCharsets.US_ASCII));
        return head + "." + encoder.encodeToString(signer.sign());
    }
}
