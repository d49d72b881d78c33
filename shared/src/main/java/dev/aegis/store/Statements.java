package dev.aegis.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Prepared statements for the work of one transaction ({@link Database#statements}). The caller
 * binds every parameter and does not close them: on SQLite they are kept across transactions
 * (compiling an INSERT per batch was ≈ 2 % of the daemon's CPU), on PostgreSQL the pool closes them
 * when the connection goes back (the driver keeps its own server-side statement cache).
 */
@FunctionalInterface
interface Statements {

    PreparedStatement prepare(String sql) throws SQLException;
}
