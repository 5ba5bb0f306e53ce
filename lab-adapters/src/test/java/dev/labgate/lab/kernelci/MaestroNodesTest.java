package dev.labgate.lab.kernelci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labgate.core.kcidb.Resource;
import dev.labgate.core.kcidb.Status;
import dev.labgate.lab.KcidbSchema;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** How a Maestro node's result and error code become a KCIDB status, and a real node's mapping. */
class MaestroNodesTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Arguments> statuses() {
        return Stream.of(
                Arguments.of("a pass is PASS", "pass", null, null, Status.PASS),
                Arguments.of("a fail is FAIL: the code broke", "fail", null, null, Status.FAIL),
                Arguments.of("a skip is SKIP", "skip", null, null, Status.SKIP),
                Arguments.of("incomplete without a code is ERROR, never a failure", "incomplete", null, null,
                        Status.ERROR),
                Arguments.of("incomplete on infrastructure is ERROR", "incomplete", "Infrastructure", null,
                        Status.ERROR),
                Arguments.of("incomplete on a LAVA timeout is ERROR", "incomplete", "LAVATimeout", null, Status.ERROR),
                Arguments.of("incomplete because the job could not be submitted is MISS", "incomplete",
                        "submit_error", null, Status.MISS),
                Arguments.of("incomplete at the pipeline's timeout is MISS", "incomplete", "node_timeout", null,
                        Status.MISS),
                Arguments.of("a fail under a job that broke on infrastructure is ERROR", "fail", null,
                        "Infrastructure", Status.ERROR),
                Arguments.of("a fail under a job that timed out stays FAIL", "fail", null, "LAVATimeout", Status.FAIL),
                Arguments.of("a node without a result is MISS", null, null, null, Status.MISS));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("statuses")
    void results_and_error_codes_map_to_kcidb_statuses(String sentence, String result, String ownCode,
                                                       String inheritedCode, Status status) {
        var node = JSON.createObjectNode();
        node.put("result", result);
        node.putObject("data").put("error_code", ownCode);
        var inherited = JSON.createObjectNode().put("error_code", inheritedCode);

        assertThat(MaestroNodes.status(node, inherited)).isEqualTo(status);
    }

    @org.junit.jupiter.api.Test
    void kci_devs_example_job_node_maps_as_kernelcis_bridge_maps_it() throws IOException {
        var file = Path.of(System.getProperty("labgate.shared", "../../shared"), "corpus", "maestro",
                "example-job-node.json");
        assumeTrue(Files.exists(file), "the Maestro example node is not at " + file + " (../shared absent)");
        var job = (ObjectNode) JSON.readTree(file.toFile());
        var checkout = JSON.createObjectNode().put("id", "670f0700493b6b8188c76000").put("kind", "checkout")
                .put("name", "checkout").put("state", "done").put("result", "pass").put("created",
                        "2024-10-16T00:10:00.000000").put("treeid", job.path("treeid").asText());
        checkout.putArray("path").add("checkout");
        checkout.putObject("data").set("kernel_revision", job.path("data").path("kernel_revision").deepCopy());
        var build = JSON.createObjectNode().put("id", job.path("parent").asText()).put("kind", "kbuild")
                .put("name", job.path("path").get(1).asText()).put("parent", checkout.path("id").asText())
                .put("state", "done").put("result", "pass").put("created", "2024-10-16T00:20:00.000000");
        build.putArray("path").add("checkout").add(job.path("path").get(1).asText());
        build.putObject("data").put("arch", "arm64").put("compiler", "gcc-12");

        var results = new MaestroNodes("https://api.kernelci.org").toKcidb(List.<JsonNode>of(checkout, build, job));

        assertThat(results.tests()).singleElement().satisfies(t -> {
            assertThat(t.id()).isEqualTo("maestro:670f0c27493b6b8188c7667c");
            assertThat(t.origin()).isEqualTo("maestro");
            assertThat(t.buildId()).isEqualTo("maestro:670f0782493b6b8188c7621c");
            assertThat(t.path()).isEqualTo("tast-mm-misc-arm64-qualcomm");
            assertThat(t.status()).isEqualTo(Status.PASS);
            assertThat(t.startTime()).isEqualTo("2024-10-16T00:43:19.079000+00:00");
            assertThat(t.comment()).isEqualTo("tast-mm-misc-arm64-qualcomm on sc7180-trogdor-lazor-limozeen in "
                    + "lava-collabora");
            assertThat(t.logUrl()).startsWith("https://kciapistagingstorage1.file.core.windows.net/staging/"
                    + "tast-mm-misc-arm64-qualcomm-670f0c27493b6b8188c7667c/log.txt.gz");
            assertThat(t.outputFiles()).extracting(Resource::name).containsExactly("callback_data");
            assertThat(t.environment().misc()).containsEntry("platform", "sc7180-trogdor-lazor-limozeen")
                    .containsEntry("job_id", "16081547");
            assertThat(t.misc()).containsEntry("maestro_viewer",
                    "https://api.kernelci.org/viewer?node_id=670f0c27493b6b8188c7667c");
        });
        assertThat(results.checkouts()).singleElement().satisfies(c -> {
            assertThat(c.gitRepositoryUrl()).isEqualTo("https://github.com/kernelci/linux.git");
            assertThat(c.gitCommitName()).isEqualTo("staging-mainline-20241016.0");
            assertThat(c.gitCommitTags()).containsExactly("staging-mainline-20241016.0");
            assertThat(c.gitRepositoryBranchTip()).isFalse();
        });
        assertThat(KcidbSchema.violations(results)).isEmpty();
    }
}
