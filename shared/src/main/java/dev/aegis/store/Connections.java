package dev.aegis.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** How a {@link Database} gets a connection for a piece of work: one dialect's strategy. */
interface Connections extends AutoCloseable {

    /** Runs a read. */
    <T> T read(SqlFunction<T> work);

    /** Runs work in one transaction: all of it is committed, or none. */
    <T> T write(SqlFunction<T> work);

    /**
     * A statement for work running on {@code c} now; the caller does not close it ({@link Statements}).
     * By default a new one each time, closed with the connection when the pool takes it back.
     */
    default PreparedStatement prepared(Connection c, String sql) throws SQLException {
        return c.prepareStatement(sql);
    }

    @Override
    void close();
}
