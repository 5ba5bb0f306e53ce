package dev.labgate.bot.store;

import dev.labgate.core.store.Transactions;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * labgate's access to its database: transactions bound to the calling thread, and small query
 * methods that join the current transaction or, outside one, use a connection of their own.
 *
 * <p>db-scheduler gets {@link #joiningDataSource()}, so that work scheduled inside a transaction
 * commits or rolls back with it; its own polling, outside any transaction, uses pool connections.
 */
public final class Database implements Transactions {

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(Database.class);

    /** Reads one row. */
    @FunctionalInterface
    public interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private record Tx(Connection connection, List<Runnable> afterCommit) {
    }

    private final DataSource pool;
    private final ThreadLocal<Tx> current = new ThreadLocal<>();

    public Database(DataSource pool) {
        this.pool = pool;
    }

    @Override
    public <T> T inTransaction(Supplier<T> work) {
        if (current.get() != null) {
            return work.get();
        }
        Tx tx;
        T result;
        try (var connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            tx = new Tx(connection, new ArrayList<>());
            current.set(tx);
            try {
                result = work.get();
                connection.commit();
            } catch (RuntimeException | Error e) {
                rollback(connection);
                throw e;
            } catch (SQLException e) {
                rollback(connection);
                throw e;
            } finally {
                current.remove();
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new DatabaseException("transaction failed: " + e.getMessage(), e);
        }
        for (var hook : tx.afterCommit()) {
            try {
                hook.run();
            } catch (RuntimeException e) {
                LOG.warn("after-commit hook failed: {}", e.toString());
            }
        }
        return result;
    }

    /** Runs {@code hook} once the current transaction commits (never if it rolls back); at once outside one. */
    public void afterCommit(Runnable hook) {
        var tx = current.get();
        if (tx == null) {
            hook.run();
        } else {
            tx.afterCommit().add(hook);
        }
    }

    public int update(String sql, Object... params) {
        return withConnection(c -> {
            try (var ps = c.prepareStatement(sql)) {
                bind(ps, params);
                return ps.executeUpdate();
            }
        }, sql);
    }

    public <T> List<T> query(String sql, Row<T> row, Object... params) {
        return withConnection(c -> {
            try (var ps = c.prepareStatement(sql)) {
                bind(ps, params);
                try (var rs = ps.executeQuery()) {
                    var rows = new ArrayList<T>();
                    while (rs.next()) {
                        rows.add(row.read(rs));
                    }
                    return rows;
                }
            }
        }, sql);
    }

    public <T> Optional<T> queryOne(String sql, Row<T> row, Object... params) {
        var rows = query(sql, row, params);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** Runs JDBC code on the transaction's connection, or on a connection of its own outside a transaction. */
    public <T> T withConnection(ConnectionWork<T> work, String what) {
        var tx = current.get();
        try {
            if (tx != null) {
                return work.run(tx.connection());
            }
            try (var connection = pool.getConnection()) {
                return work.run(connection);
            }
        } catch (SQLException e) {
            throw new DatabaseException("database call failed (" + what.strip().split("\\s+", 3)[0] + "): "
                    + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    public interface ConnectionWork<T> {
        T run(Connection connection) throws SQLException;
    }

    public static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            var p = params[i];
            if (p instanceof Instant instant) {
                ps.setObject(i + 1, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
            } else if (p instanceof byte[] bytes) {
                ps.setBytes(i + 1, bytes);
            } else {
                ps.setObject(i + 1, p);
            }
        }
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        var value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** The pool as db-scheduler should see it: the current transaction's connection when there is one. */
    public DataSource joiningDataSource() {
        return new JoiningDataSource();
    }

    public DataSource pool() {
        return pool;
    }

    private static void rollback(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.warn("rollback failed: {}", e.getMessage());
        }
    }

    private final class JoiningDataSource implements DataSource {

        @Override
        public Connection getConnection() throws SQLException {
            var tx = current.get();
            if (tx == null) {
                return pool.getConnection();
            }
            var connection = tx.connection();
            // The transaction owns the connection: a caller's close() must not end it.
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[]{Connection.class}, (proxy, method, args) -> {
                        if (method.getName().equals("close")) {
                            return null;
                        }
                        try {
                            return method.invoke(connection, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            throw new SQLFeatureNotSupportedException("labgate's pool has one set of credentials");
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return pool.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            pool.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            pool.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return pool.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return pool.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            return pool.unwrap(iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) throws SQLException {
            return pool.isWrapperFor(iface);
        }
    }
}
