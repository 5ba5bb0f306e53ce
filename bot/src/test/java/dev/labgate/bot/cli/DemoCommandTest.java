package dev.labgate.bot.cli;

import dev.labgate.bot.Labgate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code labgate demo --exit} as a newcomer runs it: the whole job, told in six steps. */
class DemoCommandTest {

    @TempDir
    Path dir;

    @Test
    void theDemoShowsTheRepositoryTheDeliveryTheRunTheStatusAndTheComment() throws Exception {
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        var out = new StringWriter();

        var exit = Labgate.commandLine().setOut(new PrintWriter(out, true)).execute("demo", "--exit", "--port",
                String.valueOf(port), "--data-dir", dir.toString());

        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString())
                .contains("1. A sample repository with a pull request: " + dir.resolve("demo/git/demo/linux.git"))
                .contains("2. labgate is serving on http://localhost:" + port)
                .contains("labgate answered 202")
                .contains("4. The run: http://localhost:" + port + "/runs/")
                .contains("labgate/local: success - Passed: 1 test passed")
                .contains("### labgate: ✅ **pass**: 1 test passed")
                .as("the base commit was tested to compare with").contains("Compared with the base commit");
        assertThat(Files.exists(dir.resolve("demo/data/labgate.mv.db"))).isTrue();
    }
}
