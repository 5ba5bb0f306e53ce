package dev.labgate.lab.sandbox;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Reading and removing what a command left in its run's directory. The command may leave
 * directories it made unreadable (mode 000); labgate owns them, or is root, and opens them again
 * rather than miss what is in them. Symbolic links are never followed.
 */
public final class RunDirectory {

    private RunDirectory() {
    }

    /** The bytes of the files below {@code dirs}, as their sizes say. */
    public static long bytes(List<Path> dirs) throws IOException {
        long[] total = {0};
        for (var dir : dirs) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    total[0] += attrs.size();
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof AccessDeniedException && reopen(file)) {
                        total[0] += bytes(List.of(file));
                    }
                    // Otherwise it was deleted meanwhile.
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        return total[0];
    }

    /** Deletes {@code dir} and everything below it, if it exists. */
    public static void delete(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                // Listing it and deleting in it need the owner's permissions, which the command may have taken.
                ownerOnly(d);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Gives the owner back the use of a directory the command closed; false if it is not a directory. */
    private static boolean reopen(Path path) throws IOException {
        if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        ownerOnly(path);
        return true;
    }

    /** rwx for the owner, on the directory itself: a symbolic link put in its place is refused, not followed. */
    private static void ownerOnly(Path dir) throws IOException {
        Files.getFileAttributeView(dir, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setPermissions(PosixFilePermissions.fromString("rwx------"));
    }
}
