package dev.labgate.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The KernelCI dashboard API (kernelci/dashboard, backend/kernelCI_app) on loopback, under
 * {@code /api/}: answers each path a test gave JSON for with that JSON. Each test starts its own.
 *
 * <ul>
 *   <li>Routes are those of backend/kernelCI_app/urls.py: {@code tree/<commit>/{summary,builds,boots,tests}},
 *       {@code test/<id>/issues}, {@code build/<id>/issues}, {@code issue/<id>}; the query
 *       ({@code origin}, {@code git_url}, {@code git_branch}, {@code version}) is recorded, not interpreted.</li>
 *   <li>Nothing found is HTTP 200 with {@code {"error": "..."}} (helpers/errorHandling.py
 *       {@code create_api_error_response} with {@code HTTPStatus.OK}, as views/treeDetailsTestsView.py
 *       and views/testIssuesView.py use it), in the words of constants/localization.py.</li>
 * </ul>
 */
public final class FakeKcidbDashboard extends FakeHttpServer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Answer> answers = new ConcurrentHashMap<>();

    public FakeKcidbDashboard() throws IOException {
    }

    /** The API base, {@code http://127.0.0.1:<port>/api/}. */
    public URI api() {
        return URI.create(baseUrl() + "/api/");
    }

    /** Answer {@code path} (below {@code /api/}, decoded, no query) with {@code json}. */
    public FakeKcidbDashboard answer(String path, String json) {
        return answer(path, 200, json);
    }

    /** Answer {@code path} with {@code status} and {@code body}: JSON, or sent as plain text when it is not JSON. */
    public FakeKcidbDashboard answer(String path, int status, String body) {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (IOException e) {
            node = JSON.getNodeFactory().textNode(body);
        }
        answers.put(path, Answer.json(status, node));
        return this;
    }

    @Override
    protected Answer answer(String method, String path, Map<String, String> query, String body,
                            HttpExchange exchange) {
        if (!path.startsWith("/api/")) {
            return Answer.json(404, error("Not Found"));
        }
        var below = path.substring("/api/".length());
        var answer = answers.get(below);
        if (answer != null) {
            return answer;
        }
        return Answer.json(200, error(below.startsWith("tree/") ? "No results available for this tree/branch/commit"
                : below.startsWith("test/") ? "No issues were found for this test"
                : below.startsWith("build/") ? "No issues found for this build"
                : "Issue not found"));
    }

    private static JsonNode error(String message) {
        return JSON.createObjectNode().put("error", message);
    }
}
