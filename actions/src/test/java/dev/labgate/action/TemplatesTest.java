package dev.labgate.action;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The files users reference from their workflows agree with what {@code labgate action} reads and writes. */
class TemplatesTest {

    private static final Path ACTIONS = Path.of(System.getProperty("user.dir"));

    @SuppressWarnings("unchecked")
    private static Map<String, Object> yaml(String path) throws Exception {
        return (Map<String, Object>) new Yaml().load(Files.readString(ACTIONS.resolve(path)));
    }

    @Test
    @SuppressWarnings("unchecked")
    void actionDeclaresEveryOutputItWritesAndUsesEveryInput() throws Exception {
        var action = yaml("github/action.yml");
        assertThat(action).containsKeys("name", "description", "inputs", "outputs", "runs");

        var runs = (Map<String, Object>) action.get("runs");
        assertThat(runs.get("using")).isEqualTo("composite");
        var steps = (List<Map<String, Object>>) runs.get("steps");
        var stepsText = steps.toString();
        var inputs = (Map<String, Map<String, Object>>) action.get("inputs");
        for (var input : inputs.entrySet()) {
            assertThat(input.getValue()).as(input.getKey()).containsKeys("description", "default");
            assertThat(stepsText).as("input " + input.getKey() + " is used by a step")
                    .contains("${{ inputs." + input.getKey() + " }}");
        }

        var outputs = (Map<String, Map<String, Object>>) action.get("outputs");
        assertThat(new TreeSet<>(outputs.keySet())).isEqualTo(new TreeSet<>(GitHubStep.OUTPUTS));
        for (var output : outputs.entrySet()) {
            assertThat(output.getValue().get("value"))
                    .isEqualTo("${{ steps.labgate.outputs." + output.getKey() + " }}");
        }
        assertThat(steps).anySatisfy(step -> {
            assertThat(step.get("id")).isEqualTo("labgate");
            assertThat((String) step.get("run")).contains("-jar \"$LABGATE_JAR\" action")
                    .contains("\"$status\" -eq 3");
            assertThat(step.get("env").toString()).contains("LABGATE_ARTIFACTS=${{ runner.temp }}/labgate-report");
        });
        assertThat(steps).as("the labs' output is kept with the job").anySatisfy(step -> {
            assertThat(step.get("uses")).isEqualTo("actions/upload-artifact@v4");
            assertThat(step.get("if")).isEqualTo("always()");
            assertThat(step.get("with").toString()).contains("${{ runner.temp }}/labgate-report/");
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void theVerdictOutputNamesEveryValueTheStepWrites() throws Exception {
        var outputs = (Map<String, Map<String, Object>>) yaml("github/action.yml").get("outputs");
        var description = (String) outputs.get("verdict").get("description");
        for (var overall : dev.labgate.core.verdict.Verdict.Overall.values()) {
            assertThat(description).contains(overall.label());
        }
        assertThat(description).contains("untrusted").contains("skipped");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theActionNeverAsksSetupJavaForAMavenCacheItCannotHave() throws Exception {
        var steps = (List<Map<String, Object>>) ((Map<String, Object>) yaml("github/action.yml").get("runs"))
                .get("steps");
        assertThat(steps).filteredOn(step -> String.valueOf(step.get("uses")).startsWith("actions/setup-java"))
                .singleElement().satisfies(step -> assertThat((Map<String, Object>) step.get("with"))
                        .doesNotContainKey("cache"));
        assertThat(steps).filteredOn(step -> String.valueOf(step.get("uses")).startsWith("actions/cache"))
                .hasSize(2);
    }

    @Test
    @SuppressWarnings("unchecked")
    void gitLabTemplateMirrorsTheInputsAndPublishesTheReports() throws Exception {
        var template = yaml("gitlab/labgate.gitlab-ci.yml");
        var variables = (Map<String, Object>) template.get("variables");
        var action = yaml("github/action.yml");
        var inputs = ((Map<String, Object>) action.get("inputs")).keySet();
        for (var input : inputs) {
            if (input.equals("token") || input.endsWith("-token")) {
                continue; // secrets are masked CI/CD variables, never defaults in a template
            }
            assertThat(variables).as("variable for input " + input)
                    .containsKey("LABGATE_" + input.toUpperCase().replace('-', '_'));
        }

        var job = (Map<String, Object>) template.get("labgate");
        assertThat(job).containsKeys("image", "rules", "script", "artifacts");
        // The released image, at the version the including project names; nothing is built.
        var image = (Map<String, Object>) job.get("image");
        assertThat(image.get("name")).isEqualTo("$LABGATE_IMAGE:$LABGATE_VERSION");
        assertThat(variables).containsKeys("LABGATE_IMAGE", "LABGATE_VERSION");
        assertThat(job.get("script").toString()).doesNotContain("mvn").doesNotContain("git clone");
        assertThat(((Map<String, Object>) job.get("allow_failure")).get("exit_codes"))
                .isEqualTo(List.of(ExitCode.UNTRUSTED.code()));
        var rules = job.get("rules").toString();
        assertThat(rules).contains("merge_request_event").contains("$LABGATE_STAGING_BRANCHES");
        assertThat(job.get("script").toString()).contains("java -jar /opt/labgate/labgate.jar action");
        var artifacts = (Map<String, Object>) job.get("artifacts");
        assertThat(artifacts.get("when")).isEqualTo("always");
        assertThat(((Map<String, Object>) artifacts.get("reports")).get("junit"))
                .isEqualTo("$LABGATE_ARTIFACTS/junit.xml");
        assertThat((List<String>) artifacts.get("paths"))
                .containsExactly("$LABGATE_ARTIFACTS/verdict.md", "$LABGATE_ARTIFACTS/verdict.json",
                        "$LABGATE_ARTIFACTS/*.log");
    }
}
