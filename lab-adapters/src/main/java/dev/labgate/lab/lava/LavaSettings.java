package dev.labgate.lab.lava;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How labgate reaches one LAVA server and what job it submits there.
 *
 * @param url the server's base URL; the REST API is {@code <url>/api/v0.2/}
 * @param token the API token, sent as {@code Authorization: Token <token>}
 * @param template the job definition with {@code {{ name }}} placeholders (see {@link JobTemplate}),
 *     as text; the caller reads the file
 * @param variables the operator's own template values, next to labgate's (see {@link LavaLab})
 * @param artifactsUrl where kernels built elsewhere are published, one directory per commit
 *     ({@code <artifactsUrl>/<commit>/}); null when the kernel comes from the build this lab runs
 *     after, or the template does not use {@code artifacts_url}
 * @param callbackBaseUrl labgate's public base URL: jobs call back {@code <base>/callbacks/lava/<run id>};
 *     null to rely on polling alone
 * @param pollInterval time between two polls of a job whose callback has not come
 * @param deviceTree the device tree the boards boot, as the build this lab runs after published it
 *     under {@code dtbs/} ({@code broadcom/bcm2711-rpi-4-b.dtb}); null when they boot without one
 */
public record LavaSettings(String url, String token, String template, Map<String, String> variables,
                           String artifactsUrl, String callbackBaseUrl, Duration pollInterval, String deviceTree) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public LavaSettings {
        variables = variables == null ? Map.of() : Map.copyOf(variables);
        Objects.requireNonNull(pollInterval, "pollInterval");
    }

    /** What is wrong with these settings, one sentence each for the operator; empty when usable. */
    public List<String> problems() {
        var problems = new ArrayList<String>();
        httpUrl("server URL", url, problems);
        if (artifactsUrl != null) {
            httpUrl("artifacts URL", artifactsUrl, problems);
        }
        if (callbackBaseUrl != null) {
            httpUrl("callback base URL", callbackBaseUrl, problems);
        }
        if (token == null || token.isBlank()) {
            problems.add("no LAVA token: the server accepts jobs only from a user's API token");
        } else if (!token.strip().equals(token) || token.chars().anyMatch(Character::isWhitespace)) {
            problems.add("the LAVA token contains white space");
        }
        if (template == null || template.isBlank()) {
            problems.add("the LAVA job template is empty");
        }
        for (var name : variables.keySet()) {
            if (!NAME.matcher(name).matches()) {
                problems.add("template variable '" + name + "' is not a name (letters, digits, underscores)");
            }
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            problems.add("the poll interval must be positive");
        }
        return problems;
    }

    private static void httpUrl(String what, String value, List<String> problems) {
        try {
            var uri = value == null ? null : URI.create(value);
            if (uri == null || uri.getHost() == null
                    || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                problems.add("LAVA " + what + " '" + value + "' is not an http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            problems.add("LAVA " + what + " '" + value + "' is not a URL");
        }
    }
}
