package dev.labgate.action;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labgate.core.verdict.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class GitLabArtifactsTest {

    @Test
    void regressionIsOneFailingJUnitCaseAndInTheJson(@TempDir Path dir) throws Exception {
        new GitLabArtifacts(dir.resolve("labgate")).write(GitHubStepTest.regression(), List.of(),
                Optional.of("https://labgate.example/runs/42"), Map.of("local", "KTAP version 1\nnot ok 1 demo\n"));

        var suite = (Element) DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(dir.resolve("labgate/junit.xml").toFile()).getElementsByTagName("testsuite").item(0);
        assertThat(suite.getAttribute("tests")).isEqualTo("1");
        assertThat(suite.getAttribute("failures")).isEqualTo("1");
        var testCase = (Element) suite.getElementsByTagName("testcase").item(0);
        assertThat(testCase.getAttribute("name")).isEqualTo("kunit.example.test_one (x86_64 defconfig)");
        assertThat(((Element) testCase.getElementsByTagName("failure").item(0)).getAttribute("message"))
                .isEqualTo("fail: passed on the base");

        var json = new ObjectMapper().readTree(dir.resolve("labgate/verdict.json").toFile());
        assertThat(json.path("verdict").asText()).isEqualTo("fail");
        assertThat(json.path("regressions").asInt()).isEqualTo(1);
        assertThat(json.path("runUrl").asText()).isEqualTo("https://labgate.example/runs/42");
        assertThat(json.path("failures").get(0).path("path").asText()).isEqualTo("kunit.example.test_one");
        assertThat(Files.readString(dir.resolve("labgate/verdict.md"))).contains("**fail**");
        assertThat(json.path("failing").asInt()).isEqualTo(1);
        assertThat(json.path("failures").get(0).path("compared").asBoolean()).isTrue();
        assertThat(Files.readString(dir.resolve("labgate/local.log"))).isEqualTo("KTAP version 1\nnot ok 1 demo\n");
    }

    @Test
    void infrastructureErrorIsAnErroringCaseNotAnEmptyReport(@TempDir Path dir) throws Exception {
        var infra = new Verdict(Verdict.Overall.INFRA_ERROR, "lab <qemu> timed out after 30m", false, List.of(),
                List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), Verdict.Counts.none());
        new GitLabArtifacts(dir).write(infra, List.of(), Optional.empty(), Map.of());

        var document = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(dir.resolve("junit.xml").toFile());
        var suite = (Element) document.getElementsByTagName("testsuite").item(0);
        assertThat(suite.getAttribute("errors")).isEqualTo("1");
        assertThat(((Element) document.getElementsByTagName("error").item(0)).getAttribute("message"))
                .isEqualTo("lab <qemu> timed out after 30m");
    }

    @Test
    void passIsOnePassingCase(@TempDir Path dir) throws Exception {
        new GitLabArtifacts(dir).write(GitHubStepTest.pass(), List.of(), Optional.empty(), Map.of());
        var suite = (Element) DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(dir.resolve("junit.xml").toFile()).getElementsByTagName("testsuite").item(0);
        assertThat(suite.getAttribute("tests")).isEqualTo("1");
        assertThat(suite.getAttribute("failures")).isEqualTo("0");
        assertThat(suite.getAttribute("errors")).isEqualTo("0");
    }
}
