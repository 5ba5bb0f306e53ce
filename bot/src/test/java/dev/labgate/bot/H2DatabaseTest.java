package dev.labgate.bot;

import java.util.Optional;

class H2DatabaseTest extends DatabaseContractTest {
    @Override
    Optional<String> url() {
        return Optional.empty();
    }
}
