package dev.labgate.bot;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.labgate.bot.store.Database;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The database: PostgreSQL when a URL is configured, else an H2 file under the data directory;
 * opened and migrated as the service starts, beside the rest of the start ({@link DatabaseOpening}).
 */
@Factory
public final class DatabaseFactory {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseFactory.class);

    /**
     * H2 speaks PostgreSQL's dialect here so that one set of migrations and queries serves both.
     * WRITE_DELAY=0 writes each commit to the file before the commit returns: a delivery that was
     * acknowledged survives a crash of the process. DB_CLOSE_ON_EXIT=FALSE leaves closing to the
     * service's own shutdown (the pool closes after the work has stopped): H2's JVM-exit hook closed
     * the database under the scheduler's last poll, which logged a stack trace at every stop.
     * CACHE_SIZE=4096 (KB; H2's default is 16 MB): the pages H2 caches after each commit live until
     * the cache turns over, and each young collection copied them; with the smaller cache a
     * collection under a flood of deliveries copied 1.9 MB instead of 2.8 MB and paused 10 to 20 %
     * less, at the same rate (docs/benchmarks.md, "Intake, a fourth look").
     */
    static String embeddedUrl(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve("labgate")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;CACHE_SIZE=4096";
    }

    /** Set by {@code labgate serve}, which needs the database before it is ready; other commands may not. */
    public static final String OPEN_AT_START = "labgate.database.open-at-start";

    @Context
    @Requires(property = OPEN_AT_START, value = "true")
    @Bean(preDestroy = "close")
    DatabaseOpening opening(LabgateSettings settings, DatabaseSettings database) {
        return new DatabaseOpening(() -> open(settings, database));
    }

    @Singleton
    @Named("default")
    @Bean(preDestroy = "close")
    HikariDataSource dataSource(BeanProvider<DatabaseOpening> opening, LabgateSettings settings,
                                DatabaseSettings database) {
        return opening.find(null).map(DatabaseOpening::await).orElseGet(() -> open(settings, database));
    }

    /** Opens the pool and migrates the schema; the caller closes the pool. */
    static HikariDataSource open(LabgateSettings settings, DatabaseSettings database) {
        var config = new HikariConfig();
        var url = database.url().orElseGet(() -> {
            try {
                Files.createDirectories(settings.dataDir());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the data directory " + settings.dataDir(), e);
            }
            return embeddedUrl(settings.dataDir());
        });
        config.setJdbcUrl(url);
        database.user().ifPresent(config::setUsername);
        database.password().ifPresent(config::setPassword);
        config.setMaximumPoolSize(database.poolSize());
        config.setPoolName("labgate");
        var dataSource = new HikariDataSource(config);
        try {
            var result = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
            LOG.info("database {}: schema at version {}", describe(url),
                    result.targetSchemaVersion == null ? "(unchanged)" : result.targetSchemaVersion);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return dataSource;
    }

    @Singleton
    Database database(@Named("default") DataSource dataSource) {
        return new Database(dataSource);
    }

    /** The URL without credentials a URL may carry. */
    static String describe(String url) {
        var semicolon = url.indexOf(';');
        var base = semicolon > 0 ? url.substring(0, semicolon) : url;
        var query = base.indexOf('?');
        return query > 0 ? base.substring(0, query) : base;
    }
}
