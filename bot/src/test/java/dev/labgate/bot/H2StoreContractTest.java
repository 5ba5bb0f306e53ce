package dev.labgate.bot;

import java.util.Optional;

class H2StoreContractTest extends JdbcStoreContract {
    @Override
    Optional<String> url() {
        return Optional.empty();
    }
}
