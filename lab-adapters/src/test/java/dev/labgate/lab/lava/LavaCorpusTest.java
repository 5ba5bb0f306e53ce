package dev.labgate.lab.lava;

import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.event.Subject;
import dev.labgate.core.lab.TreeRequest;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Real job definitions from LAVA and KernelCI (../shared/corpus/lava) as labgate templates. */
class LavaCorpusTest {

    static final byte[] KEY = "a callback key of thirty-two bytes or more".getBytes(StandardCharsets.UTF_8);

    static String corpus(String name) throws IOException {
        var file = Path.of(System.getProperty("labgate.shared", "../../shared"), "corpus", "lava", name);
        assumeTrue(Files.exists(file), "the LAVA corpus file is not at " + file + " (../shared absent)");
        return Files.readString(file);
    }

    static LavaSettings settings(String template) {
        return new LavaSettings("https://lava.example.org", "token", template, Map.of(), null,
                "https://labgate.example.org", Duration.ofMinutes(1), null);
    }

    @Test
    @SuppressWarnings("unchecked")
    void lavas_own_callback_sample_keeps_its_callback_and_gets_labgates_next_to_it() throws IOException {
        var lab = new LavaLab("lava", settings(corpus("sample-job-qemu-callback-post.yaml")), KEY);
        var request = new TreeRequest("run-1", new Subject.Change(new ChangeRef(new RepoRef("github", "o/linux"), 1)),
                "https://github.com/o/linux.git", "refs/pull/1/head", "0123456789abcdef0123456789abcdef01234567", null,
                List.of(), List.of());

        Map<String, Object> job = new Yaml(new SafeConstructor(new LoaderOptions())).load(lab.definition(request));

        var notify = (Map<String, Object>) job.get("notify");
        assertThat(notify.get("criteria")).isEqualTo(Map.of("status", "finished"));
        assertThat((List<Map<String, Object>>) notify.get("callbacks")).extracting(c -> c.get("url"))
                .containsExactly("https://example.com/foo/bar", "https://labgate.example.org/callbacks/lava/run-1");
        assertThat(job.get("actions")).asList().hasSize(3);
        assertThat(job.get("metadata")).isEqualTo(Map.of("labgate_run", "run-1", "labgate_commit",
                "0123456789abcdef0123456789abcdef01234567", "labgate_subject", "github:o/linux#1"));
    }

    @Test
    void kernelcis_jinja_template_is_refused_with_the_line_that_needs_rewriting() throws IOException {
        var template = corpus("kernelci-core-lava.jinja2");

        assertThatThrownBy(() -> new LavaLab("lava", settings(template), KEY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("job template line 1: '{#' starts a Jinja comment; labgate templates have only "
                        + "{{ name }} placeholders");
    }
}
