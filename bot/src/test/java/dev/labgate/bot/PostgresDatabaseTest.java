package dev.labgate.bot;

import java.util.Optional;

class PostgresDatabaseTest extends DatabaseContractTest {
    @Override
    Optional<String> url() {
        return Optional.of(PostgresForTests.newDatabaseUrl());
    }
}
