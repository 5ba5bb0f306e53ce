package dev.labgate.bot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * The secret that labs' per-run callback tokens derive from: {@code LABGATE_CALLBACK_KEY} when set
 * (replicas must share it), else a random key made once and kept in the data directory.
 */
final class CallbackKey {

    static final int MIN_BYTES = 32;

    private CallbackKey() {
    }

    static byte[] of(Optional<String> configured, Path dataDir) {
        if (configured.isPresent()) {
            var key = configured.get().getBytes(StandardCharsets.UTF_8);
            if (key.length < MIN_BYTES) {
                throw new IllegalArgumentException("LABGATE_CALLBACK_KEY must have at least " + MIN_BYTES
                        + " characters");
            }
            return key;
        }
        var file = dataDir.resolve("callback.key");
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(dataDir);
                var key = new byte[MIN_BYTES];
                new SecureRandom().nextBytes(key);
                write(file, key);
            }
            var key = Files.readAllBytes(file);
            if (key.length < MIN_BYTES) {
                throw new IllegalArgumentException(file + " holds fewer than " + MIN_BYTES
                        + " bytes; delete it to have a new key made");
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the callback key in " + file, e);
        }
    }

    private static void write(Path file, byte[] key) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            // Another replica on the same data directory made it first: its key is the key.
            return;
        }
        Files.write(file, key);
    }
}
