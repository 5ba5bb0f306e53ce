package dev.labgate.bot.cli;

import org.yaml.snakeyaml.Yaml;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a composite action's steps the way a GitHub-hosted runner does, on this machine: each
 * {@code run:} step in {@code bash --noprofile --norc -eo pipefail} with the job's variables and a
 * fresh {@code GITHUB_OUTPUT} file, {@code ${{ }}} expressions and {@code if:} conditions evaluated
 * for the contexts the action uses (a failed step skips the rest but those {@code if: always()}), and
 * the three actions it uses played by their documented effect: {@code actions/cache} (restore on an
 * exact key or a restore-keys prefix, save after the job when there was no exact hit),
 * {@code actions/setup-java} (this JDK on PATH and in JAVA_HOME) and {@code actions/upload-artifact}
 * (the path's files kept under the artifact's name, nothing when there are none and
 * {@code if-no-files-found: ignore}). What is not modelled fails loudly, so the action cannot drift
 * past the simulation unnoticed.
 */
final class SimulatedRunner {

    /** One run of the action: its exit status, its outputs, and its log with each line's time since start. */
    record Job(int exit, Map<String, String> outputs, List<Line> log) {
        String text() {
            var text = new StringBuilder();
            log.forEach(line -> text.append(line.text()).append('\n'));
            return text.toString();
        }

        /** When the first line containing {@code text} was printed, from the start of the first step. */
        Duration firstLine(String text) {
            return log.stream().filter(l -> l.text().contains(text)).map(Line::at).findFirst()
                    .orElseThrow(() -> new AssertionError("no line '" + text + "' in:\n" + text()));
        }
    }

    record Line(Duration at, String text) {
    }

    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{\\{\\s*(.*?)\\s*}}");
    private static final Pattern COMPARISON = Pattern.compile("^(\\S+)\\s*(==|!=)\\s*'([^']*)'$");

    private final Path actionPath;
    private final Path temp;
    private final Path caches;
    private final Path artifacts;
    private final Map<String, Object> action;

    /**
     * @param actionPath the action's directory as the runner checked it out ({@code GITHUB_ACTION_PATH})
     * @param runnerRoot where the runner keeps its temporary directory and the cache service's store
     */
    @SuppressWarnings("unchecked")
    SimulatedRunner(Path actionPath, Path runnerRoot) throws IOException {
        this.actionPath = actionPath;
        this.temp = runnerRoot.resolve("_temp");
        this.caches = runnerRoot.resolve("cache-service");
        this.artifacts = runnerRoot.resolve("artifacts");
        Files.createDirectories(caches);
        this.action = (Map<String, Object>) new Yaml().load(Files.readString(actionPath.resolve("action.yml")));
    }

    /** The job's artifacts as uploaded, one directory per artifact name. */
    Path artifacts() {
        return artifacts;
    }

    /** The runner's temporary directory ({@code RUNNER_TEMP}), emptied at the start of every job. */
    Path temp() {
        return temp;
    }

    /**
     * Runs the action's steps once as a job step would.
     *
     * @param with the step's {@code with:} inputs (unset ones take the action's defaults)
     * @param job the job's variables (GITHUB_*, ...); RUNNER_TEMP, GITHUB_ACTION_PATH and PATH are added
     * @param token the job's {@code github.token}
     */
    @SuppressWarnings("unchecked")
    Job run(Map<String, String> with, Map<String, String> job, String token) throws IOException, InterruptedException {
        deleteTree(temp);
        Files.createDirectories(temp);
        var env = new HashMap<>(job);
        env.put("RUNNER_TEMP", temp.toString());
        env.put("RUNNER_OS", "Linux");
        env.put("GITHUB_ACTION_PATH", actionPath.toString());
        env.putIfAbsent("PATH", System.getenv("PATH"));
        var inputs = new HashMap<String, String>();
        var declared = (Map<String, Map<String, Object>>) action.get("inputs");
        var steps = new HashMap<String, Map<String, String>>();
        var context = new Context(inputs, steps, env, token);
        declared.forEach((name, spec) -> inputs.put(name, with.containsKey(name) ? with.get(name)
                : context.evaluate(String.valueOf(spec.getOrDefault("default", "")))));
        var log = Collections.synchronizedList(new ArrayList<Line>());
        var start = System.nanoTime();
        var saves = new LinkedHashMap<String, Path>();
        var exit = 0;
        for (var step : (List<Map<String, Object>>) ((Map<String, Object>) action.get("runs")).get("steps")) {
            var always = "always()".equals(String.valueOf(step.get("if")).strip());
            if (exit != 0 && !always
                    || step.containsKey("if") && !always && !context.condition(String.valueOf(step.get("if")))) {
                continue;
            }
            var id = (String) step.get("id");
            if (step.containsKey("uses")) {
                uses(String.valueOf(step.get("uses")), (Map<String, Object>) step.getOrDefault("with", Map.of()),
                        context, env, saves, log, start);
                continue;
            }
            var stepEnv = new HashMap<>(env);
            ((Map<String, Object>) step.getOrDefault("env", Map.of())).forEach((k, v) ->
                    stepEnv.put(k, context.evaluate(String.valueOf(v))));
            var outputs = Files.createTempFile(temp, "github_output", "");
            stepEnv.put("GITHUB_OUTPUT", outputs.toString());
            var script = Files.createTempFile(temp, "step", ".sh");
            Files.writeString(script, context.evaluate(String.valueOf(step.get("run"))));
            var status = bash(script, stepEnv, log, start);
            exit = exit == 0 ? status : exit;
            Files.delete(script);
            if (id != null) {
                steps.put(id, parseOutputs(Files.readString(outputs)));
            }
            Files.delete(outputs);
        }
        // actions/cache's post step: save each path whose key had no exact hit.
        for (var save : saves.entrySet()) {
            var stored = caches.resolve(save.getKey());
            if (!Files.exists(stored) && Files.isDirectory(save.getValue())) {
                copyTree(save.getValue(), stored);
            }
        }
        var outputs = new LinkedHashMap<String, String>();
        ((Map<String, Map<String, Object>>) action.get("outputs")).forEach((name, spec) ->
                outputs.put(name, context.evaluate(String.valueOf(spec.get("value")))));
        return new Job(exit, outputs, List.copyOf(log));
    }

    private void uses(String uses, Map<String, Object> with, Context context, Map<String, String> env,
                      Map<String, Path> saves, List<Line> log, long start) throws IOException {
        if (uses.startsWith("actions/cache@")) {
            var path = Path.of(context.evaluate(String.valueOf(with.get("path"))).replaceFirst("^~",
                    env.getOrDefault("HOME", "")));
            var key = context.evaluate(String.valueOf(with.get("key")));
            var prefix = with.containsKey("restore-keys") ? context.evaluate(String.valueOf(with.get("restore-keys")))
                    .strip() : null;
            var exact = caches.resolve(key);
            Path hit = Files.isDirectory(exact) ? exact : null;
            if (hit == null && prefix != null) {
                try (var stored = Files.list(caches)) {
                    hit = stored.filter(p -> p.getFileName().toString().startsWith(prefix))
                            .max(Comparator.comparing(p -> p.toFile().lastModified())).orElse(null);
                }
            }
            if (hit != null) {
                copyTree(hit, path);
            }
            if (hit != exact || hit == null) {
                saves.put(key, path);
            }
            log.add(new Line(Duration.ofNanos(System.nanoTime() - start), "cache " + key + ": "
                    + (hit == null ? "miss" : hit == exact ? "hit" : "restored " + hit.getFileName())));
            return;
        }
        if (uses.startsWith("actions/setup-java@")) {
            var home = Path.of(System.getProperty("java.home"));
            env.put("JAVA_HOME", home.toString());
            env.put("PATH", home.resolve("bin") + ":" + env.get("PATH"));
            log.add(new Line(Duration.ofNanos(System.nanoTime() - start), "setup-java: " + home));
            return;
        }
        if (uses.startsWith("actions/upload-artifact@")) {
            var path = Path.of(context.evaluate(String.valueOf(with.get("path"))));
            var name = context.evaluate(String.valueOf(with.getOrDefault("name", "artifact")));
            var found = Files.isDirectory(path);
            if (!found && !"ignore".equals(String.valueOf(with.get("if-no-files-found")))) {
                throw new IllegalStateException("the simulated runner models only if-no-files-found: ignore");
            }
            if (found) {
                copyTree(path, artifacts.resolve(name));
            }
            log.add(new Line(Duration.ofNanos(System.nanoTime() - start), "upload-artifact " + name + ": "
                    + (found ? "uploaded" : "no files")));
            return;
        }
        throw new IllegalStateException("the simulated runner does not model " + uses);
    }

    private static int bash(Path script, Map<String, String> env, List<Line> log, long start)
            throws IOException, InterruptedException {
        var process = new ProcessBuilder("bash", "--noprofile", "--norc", "-eo", "pipefail", script.toString())
                .redirectErrorStream(true);
        process.environment().clear();
        process.environment().putAll(env);
        var running = process.start();
        try (var out = new BufferedReader(new InputStreamReader(running.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                log.add(new Line(Duration.ofNanos(System.nanoTime() - start), line));
            }
        }
        return running.waitFor();
    }

    /** {@code name=value} lines and GitHub's {@code name<<DELIMITER} multi-line form. */
    static Map<String, String> parseOutputs(String text) {
        var outputs = new LinkedHashMap<String, String>();
        var lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            var line = lines[i];
            var heredoc = line.indexOf("<<");
            var equals = line.indexOf('=');
            if (heredoc > 0 && (equals < 0 || heredoc < equals)) {
                var delimiter = line.substring(heredoc + 2);
                var value = new StringBuilder();
                while (++i < lines.length && !lines[i].equals(delimiter)) {
                    value.append(value.length() == 0 ? "" : "\n").append(lines[i]);
                }
                outputs.put(line.substring(0, heredoc), value.toString());
            } else if (equals > 0) {
                outputs.put(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        return outputs;
    }

    /** The contexts a composite action's expressions may read, limited to what this action uses. */
    private record Context(Map<String, String> inputs, Map<String, Map<String, String>> steps,
                           Map<String, String> env, String token) {

        String evaluate(String text) {
            var m = EXPRESSION.matcher(text);
            var out = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(out, Matcher.quoteReplacement(value(m.group(1))));
            }
            m.appendTail(out);
            return out.toString();
        }

        boolean condition(String expression) {
            var inner = expression.strip();
            var wrapped = EXPRESSION.matcher(inner);
            if (wrapped.matches()) {
                inner = wrapped.group(1);
            }
            var m = COMPARISON.matcher(inner);
            if (!m.matches()) {
                throw new IllegalStateException("the simulated runner does not evaluate 'if: " + expression + "'");
            }
            var equal = value(m.group(1)).equals(m.group(3));
            return m.group(2).equals("==") == equal;
        }

        private String value(String expression) {
            var parts = expression.split("\\.");
            return switch (parts[0]) {
                case "inputs" -> inputs.getOrDefault(parts[1], "");
                case "steps" -> steps.getOrDefault(parts[1], Map.of()).getOrDefault(parts[3], "");
                case "runner" -> switch (parts[1]) {
                    case "temp" -> env.get("RUNNER_TEMP");
                    case "os" -> env.get("RUNNER_OS");
                    default -> throw new IllegalStateException("not modelled: " + expression);
                };
                case "github" -> switch (parts[1]) {
                    case "token" -> token;
                    // Empty in composite actions on GitHub's runners (actions/runner#2473).
                    case "action_repository", "action_ref" -> "";
                    default -> throw new IllegalStateException("not modelled: " + expression);
                };
                default -> throw new IllegalStateException("the simulated runner does not evaluate ${{ "
                        + expression + " }}");
            };
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (var path : paths.toList()) {
                var target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (var path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
