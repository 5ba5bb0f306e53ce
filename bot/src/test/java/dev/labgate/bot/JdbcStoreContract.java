package dev.labgate.bot;

import com.zaxxer.hikari.HikariDataSource;
import dev.labgate.bot.store.Database;
import dev.labgate.bot.store.JdbcResultStore;
import dev.labgate.bot.store.JdbcRunStore;
import dev.labgate.bot.store.JdbcSummaryStore;
import dev.labgate.testkit.StoreContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Optional;

/** The JDBC stores under the store contract the in-memory stores also run: on each database labgate supports. */
abstract class JdbcStoreContract extends StoreContract {

    @TempDir
    Path tmp;

    private HikariDataSource pool;

    /** The database under test: an empty URL means the embedded H2 default. */
    abstract Optional<String> url();

    @Override
    protected Stores stores() {
        pool = DatabaseFactory.open(new LabgateSettings(tmp, Optional.empty(), Optional.empty(),
                Optional.empty()), new DatabaseSettings(url(), url().map(u -> "postgres"), Optional.empty(), 4));
        var db = new Database(pool);
        return new Stores(new JdbcRunStore(db, clock), new JdbcResultStore(db, clock), new JdbcSummaryStore(db, clock),
                db);
    }

    @AfterEach
    void close() {
        pool.close();
    }
}
