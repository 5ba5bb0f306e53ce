package dev.labgate.bot;

import com.zaxxer.hikari.HikariDataSource;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * The database being opened and migrated on a thread of its own, from the moment the service's
 * context starts: migrating a new database took about a second of the start, which now overlaps
 * with building the rest of the service and binding its port. Whoever needs the database first
 * waits for it, and gets the reason it could not be opened as it was thrown.
 */
final class DatabaseOpening implements AutoCloseable {

    private final CompletableFuture<HikariDataSource> opened = new CompletableFuture<>();

    DatabaseOpening(Supplier<HikariDataSource> open) {
        var thread = new Thread(() -> {
            try {
                opened.complete(open.get());
            } catch (RuntimeException | Error e) {
                opened.completeExceptionally(e);
            }
        }, "labgate-database");
        thread.setDaemon(true);
        thread.start();
    }

    /** The open, migrated database, once it is. */
    HikariDataSource await() {
        try {
            return opened.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** Closes the pool when it was opened, after the opening has ended if it has not yet. */
    @Override
    public void close() {
        opened.handle((dataSource, failure) -> {
            if (dataSource != null) {
                dataSource.close();
            }
            return null;
        }).join();
    }
}
