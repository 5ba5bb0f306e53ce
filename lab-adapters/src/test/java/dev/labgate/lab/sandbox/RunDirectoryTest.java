package dev.labgate.lab.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What a command leaves in its run's directory, measured and removed without leaving it. */
class RunDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void links_out_of_the_run_are_neither_counted_nor_followed_and_closed_directories_are_opened_again()
            throws Exception {
        var outside = Files.createDirectories(dir.resolve("labgate-data"));
        Files.write(outside.resolve("labgate.mv.db"), new byte[4096]);
        var tree = Files.createDirectories(dir.resolve("run/tree"));
        Files.write(tree.resolve("a.o"), new byte[1000]);
        Files.createSymbolicLink(tree.resolve("data"), outside);
        Files.createSymbolicLink(tree.resolve("db"), outside.resolve("labgate.mv.db"));
        var closed = Files.createDirectories(tree.resolve("closed"));
        Files.write(closed.resolve("hidden.bin"), new byte[500]);
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("---------"));

        assertThat(RunDirectory.bytes(List.of(tree, dir.resolve("run/tmp")))).isEqualTo(1500
                + Files.readSymbolicLink(tree.resolve("data")).toString().length()
                + Files.readSymbolicLink(tree.resolve("db")).toString().length());

        RunDirectory.delete(dir.resolve("run"));

        assertThat(dir.resolve("run")).doesNotExist();
        assertThat(outside.resolve("labgate.mv.db")).hasSize(4096);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(outside)))
                .as("the link's target keeps its mode").isNotEqualTo("rwx------");
    }
}
