package dev.labgate.flow;

import dev.labgate.testkit.MemoryStores;
import dev.labgate.testkit.StoreContract;

/** The in-memory stores the flow's tests use, held to the JDBC stores' contract. */
class MemoryStoresContractTest extends StoreContract {

    @Override
    protected Stores stores() {
        var memory = new MemoryStores(clock);
        return new Stores(memory.runs, memory.results, memory.summaries, memory.transactions);
    }
}
