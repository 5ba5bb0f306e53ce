package dev.labgate.bot;

import java.util.Optional;

class PostgresStoreContractTest extends JdbcStoreContract {
    @Override
    Optional<String> url() {
        return Optional.of(PostgresForTests.newDatabaseUrl());
    }
}
