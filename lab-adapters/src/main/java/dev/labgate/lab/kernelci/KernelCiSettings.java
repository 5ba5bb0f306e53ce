package dev.labgate.lab.kernelci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labgate.lab.git.LabRepository;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How labgate reaches one KernelCI instance (Maestro API and pipeline API) and the tree it tests.
 *
 * @param pipelineUrl the pipeline API base; labgate posts to {@code <pipelineUrl>/api/checkout}
 * @param apiUrl the Maestro API base; labgate reads {@code <apiUrl>/latest/nodes/fast?treeid=}
 * @param token the raw JWT the pipeline expects in {@code Authorization} (no {@code Bearer}), with
 *     the {@code checkout} permission and an {@code email} claim; the caller resolves it from the
 *     environment
 * @param treeUrl the tree URL as the pipeline's allowlist spells it: the lab-facing repository
 * @param pushUrl where labgate pushes change heads so that KernelCI can reach them; null for
 *     {@code treeUrl}
 * @param pushUsername with {@code pushToken}, HTTP credentials for the push; null for none
 * @param branch the build branch the pipeline has a build configuration for
 * @param jobFilter at most 8 job names ({@code name+} also takes the job's children); empty for all
 * @param platformFilter at most 8 platform names; empty for all
 * @param pollInterval time between two polls of a running tree
 * @param dashboardUrl the KernelCI dashboard base for links to a run; null links to Maestro's viewer
 */
public record KernelCiSettings(String pipelineUrl, String apiUrl, String token, String treeUrl, String pushUrl,
                               String pushUsername, String pushToken, String branch, List<String> jobFilter,
                               List<String> platformFilter, Duration pollInterval, String dashboardUrl) {

    /** The pipeline refuses more filter entries than this ({@code lava_callback.py}). */
    public static final int MAX_FILTERS = 8;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern JWT = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
    private static final Pattern FILTER = Pattern.compile("[A-Za-z0-9._-]+\\+?");
    private static final Pattern GIT_URL = Pattern.compile("(https?|git|ssh|file)://\\S+|[\\w.-]+@[\\w.-]+:\\S+");

    public KernelCiSettings {
        jobFilter = jobFilter == null ? List.of() : List.copyOf(jobFilter);
        platformFilter = platformFilter == null ? List.of() : List.copyOf(platformFilter);
        pushUrl = pushUrl == null || pushUrl.isBlank() ? treeUrl : pushUrl;
        Objects.requireNonNull(pollInterval, "pollInterval");
    }

    /** What is wrong with these settings, one sentence each for the operator; empty when usable. */
    public List<String> problems() {
        var problems = new ArrayList<String>();
        httpUrl("pipeline URL", pipelineUrl, problems);
        httpUrl("API URL", apiUrl, problems);
        if (dashboardUrl != null) {
            httpUrl("dashboard URL", dashboardUrl, problems);
        }
        if (token == null || token.isBlank()) {
            problems.add("no KernelCI token: the pipeline refuses a checkout without its JWT");
        } else if (token.regionMatches(true, 0, "Bearer ", 0, 7)) {
            problems.add("the KernelCI token starts with 'Bearer ': the pipeline wants the raw JWT alone");
        } else if (!JWT.matcher(token).matches()) {
            problems.add("the KernelCI token is not a JWT (three base64url parts separated by dots)");
        } else {
            claims(token, problems);
        }
        if (treeUrl == null || !GIT_URL.matcher(treeUrl).matches()) {
            problems.add("tree URL '" + treeUrl + "' is not a git URL; it must be spelled exactly as in the "
                    + "pipeline's trees configuration");
        }
        if (pushUrl == null || !GIT_URL.matcher(pushUrl).matches()) {
            problems.add("push URL '" + pushUrl + "' is not a git URL");
        }
        if (pushUsername != null && pushToken == null) {
            problems.add("a push username without a push token");
        }
        if (!LabRepository.isValidBranch(branch)) {
            problems.add("build branch '" + branch + "' is not a valid git branch name");
        }
        filters("job", jobFilter, problems);
        filters("platform", platformFilter, problems);
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            problems.add("the poll interval must be positive");
        }
        return problems;
    }

    /**
     * What the pipeline reads in the token besides its signature (lava_callback.py
     * {@code validate_permissions} and {@code checkout}): a {@code permissions} list with
     * {@code checkout}, then an {@code email}; without either it answers 401 "Unauthorized" and
     * says no more, so labgate says it before anything is sent.
     */
    private static void claims(String token, List<String> problems) {
        JsonNode claims;
        try {
            claims = JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        } catch (IOException | IllegalArgumentException e) {
            problems.add("the KernelCI token's claims are not readable JSON");
            return;
        }
        var permissions = new ArrayList<String>();
        claims.path("permissions").forEach(p -> permissions.add(p.asText()));
        if (!permissions.contains("checkout")) {
            problems.add("the KernelCI token does not carry the 'checkout' permission (its 'permissions' claim: "
                    + permissions + "): the pipeline refuses a checkout without it");
        }
        if (claims.path("email").asText("").isBlank()) {
            problems.add("the KernelCI token has no 'email' claim: the pipeline refuses a checkout without one; make "
                    + "the token with kernelci-pipeline's tools/jwt_generator.py --email");
        }
        if (claims.path("exp").isNumber() && claims.path("exp").asLong() < Instant.now().getEpochSecond()) {
            problems.add("the KernelCI token expired on " + Instant.ofEpochSecond(claims.path("exp").asLong()));
        }
    }

    private static void filters(String what, List<String> filter, List<String> problems) {
        if (filter.size() > MAX_FILTERS) {
            problems.add(filter.size() + " " + what + " filters: the pipeline accepts at most " + MAX_FILTERS);
        }
        for (var entry : filter) {
            if (entry == null || !FILTER.matcher(entry).matches()) {
                problems.add(what + " filter '" + entry + "' is not a " + what + " name");
            }
        }
    }

    private static void httpUrl(String what, String value, List<String> problems) {
        try {
            var uri = value == null ? null : URI.create(value);
            if (uri == null || uri.getHost() == null
                    || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                problems.add("KernelCI " + what + " '" + value + "' is not an http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            problems.add("KernelCI " + what + " '" + value + "' is not a URL");
        }
    }
}
