package dev.aegis.store;

/** How a {@link Database} gets a connection for a piece of work: one dialect's strategy. */
interface Connections extends AutoCloseable {

    /** Runs a read. */
    <T> T read(SqlFunction<T> work);

    /** Runs work in one transaction: all of it is committed, or none. */
    <T> T write(SqlFunction<T> work);

    @Override
    void close();
}
