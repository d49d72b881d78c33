package dev.aegis.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * A shared PostgreSQL server (team mode): a small HikariCP pool, so calls reserving credits on the
 * request path do not wait for each other or for the background writers. Work runs in READ
 * COMMITTED transactions; what must not race between daemons is one conditional statement
 * (see {@link SqlCreditLedger}). A server that goes away is reconnected to by the pool by itself;
 * meanwhile work fails with {@link StoreUnavailableException} after {@code store.connection_timeout} ({@link Database#CONNECTION_TIMEOUT} unless set).
 */
final class PostgresPool implements Connections {

    private static final String POOL_LOG_LEVEL = "org.slf4j.simpleLogger.log.com.zaxxer.hikari";

    private final HikariDataSource pool;
    /** The URL as configured, its secrets in it: only for {@link StoreUrls#masked}, never shown. */
    private final String url;

    private PostgresPool(HikariDataSource pool, String url) {
        this.pool = pool;
        this.url = url;
    }

    static PostgresPool open(String url, int maxConnections, Duration connectionTimeout) {
        // The pool's start and stop are not news on every `aegis keys list`; its warnings are (-D... overrides).
        if (System.getProperty(POOL_LOG_LEVEL) == null) {
            System.setProperty(POOL_LOG_LEVEL, "warn");
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setPoolName("aegis-store");
        config.setMaximumPoolSize(maxConnections);
        config.setMinimumIdle(maxConnections); // a fixed pool: a burst of calls does not wait for connections to open
        config.setConnectionTimeout(connectionTimeout.toMillis());
        config.setValidationTimeout(Duration.ofSeconds(1).toMillis());
        config.setAutoCommit(true);
        config.addDataSourceProperty("ApplicationName", "aegis");
        config.addDataSourceProperty("connectTimeout", "2");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        // A server gone silent (a cut network, no reset) must not hang a call: a read waits at most this long.
        config.addDataSourceProperty("socketTimeout", "60");
        String shown = StoreUrls.redacted(url);
        try {
            return new PostgresPool(new HikariDataSource(config), url);
        } catch (HikariPool.PoolInitializationException e) {
            throw new StoreUnavailableException("cannot connect to the database " + shown + ": " + rootMessage(url, e), e);
        } catch (RuntimeException e) {
            throw new StoreException("cannot open the database " + shown + ": " + rootMessage(url, e), e);
        }
    }

    @Override
    public <T> T read(SqlFunction<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.apply(c);
        } catch (SQLException e) {
            throw failed("read", e);
        }
    }

    @Override
    public <T> T write(SqlFunction<T> work) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.apply(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            } finally {
                try {
                    c.setAutoCommit(true);
                } catch (SQLException ignored) {
                    // a broken connection: the pool drops it
                }
            }
        } catch (SQLException e) {
            throw failed("write", e);
        }
    }

    private StoreException failed(String what, SQLException e) {
        if (Dialect.unreachable(e)) {
            return new StoreUnavailableException("the database " + StoreUrls.redacted(url) + " is unavailable: "
                    + StoreUrls.masked(url, e.getMessage()), e);
        }
        return new StoreException("database " + what + " failed: " + StoreUrls.masked(url, e.getMessage()), e);
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is gone: nothing was committed
        }
    }

    /** The innermost cause's message (the driver's), the URL's secrets masked in it. */
    private static String rootMessage(String url, Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return StoreUrls.masked(url, t.getMessage());
    }

    @Override
    public void close() {
        pool.close();
    }
}
