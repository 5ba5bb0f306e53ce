package dev.labgate.bot;

import java.util.Map;

/** The same end-to-end scenarios with PostgreSQL as the database. */
class PostgresPullRequestFlowTest extends PullRequestFlowTest {

    @Override
    Map<String, Object> database() {
        return Map.of("labgate.database.url", PostgresForTests.newDatabaseUrl(), "labgate.database.user", "postgres");
    }
}
