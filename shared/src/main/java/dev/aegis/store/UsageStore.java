package dev.aegis.store;

import dev.aegis.background.GiveWay;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/** Writes usage rows, a batch per transaction, and keeps the daily rollup in step in the same transaction. */
public final class UsageStore {

    private static final String INTO = "INSERT INTO usage (ts_ms, request_id, key_id, tenant, run_id, route, "
            + "model_requested, model, provider, status, error_code, input_tokens, cached_input_tokens, "
            + "cache_write_tokens, output_tokens, reasoning_tokens, cost_nanos, unpriced, price_version, latency_ms, "
            + "first_byte_ms, streamed, complete, secret_findings, session_id, agent_id, client, mcp_server, mcp_tool, "
            + "request_bytes, response_bytes, receipt_seq, receipt_instance) VALUES ";
    private static final String ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT = INTO + ROW;
    /** The parameters of one row. */
    private static final int COLUMNS = 33;
    /** The parameters of {@code receipt_seq} and {@code receipt_instance}, the last two. */
    private static final int RECEIPT_SEQ = 32;
    private static final int RECEIPT_INSTANCE = 33;

    /**
     * PostgreSQL: rows per INSERT statement, at most (one statement of 2^k rows, k = 6 down to 0, so
     * a batch takes a few statements, each prepared once per connection). The server parses, binds
     * and executes one statement for all of them instead of one per row: 0.06 statements per call
     * instead of 1 (docs/benchmarks/run-2026-12-04-2303-team-postgresql-throughput.md).
     */
    private static final int MAX_ROWS_PER_INSERT = 64;
    /** {@code INSERTS[k]}: the INSERT of 2^k rows. */
    private static final String[] INSERTS = new String[Integer.numberOfTrailingZeros(MAX_ROWS_PER_INSERT) + 1];

    static {
        for (int k = 0; k < INSERTS.length; k++) {
            INSERTS[k] = INTO + String.join(", ", java.util.Collections.nCopies(1 << k, ROW));
        }
    }

    /** Rows handed to SQLite per native call; the writer may give way to calls between two (see {@link GiveWay}). */
    private static final int ROWS_PER_STATEMENT_BATCH = 16;

    private final Database db;

    public UsageStore(Database db) {
        this.db = db;
    }

    public void insert(List<UsageRow> rows) {
        insert(rows, 0, null);
    }

    /**
     * Writes the rows of calls whose receipts were just signed, {@code firstReceiptSeq} onwards in
     * order, in the trail of {@code head.instance()}, in one transaction, and with them moves that
     * trail's head to {@code head} when it is the last row's receipt. A batch the writer split inside
     * one batch of receipts leaves the head where it was until the rows up to it are stored: the head
     * moved past rows not stored yet, and rows the head covered were taken for stored (an outside
     * review lost rows so). Rows the store holds already (the trail's rows are stored in the order of
     * their receipts, so those up to its highest row's) are not written again: a batch written again
     * after its commit reached the database but the answer did not (a database that went down at
     * that moment) is stored once, and the daily rollup counts it once.
     */
    public void insertSigned(List<UsageRow> rows, long firstReceiptSeq, ReceiptHead head) {
        insert(rows, firstReceiptSeq, head);
    }

    private void insert(List<UsageRow> rows, long firstReceiptSeq, ReceiptHead head) {
        if (rows.isEmpty()) {
            return;
        }
        GiveWay giveWay = new GiveWay();
        db.write(c -> {
            Statements statements = db.statements(c);
            int stored = head == null ? 0 : alreadyStored(statements, rows.size(), firstReceiptSeq, head);
            if (stored == rows.size()) {
                return null;
            }
            List<UsageRow> fresh = rows.subList(stored, rows.size());
            long firstFresh = firstReceiptSeq + stored;
            if (db.dialect() == Dialect.POSTGRESQL) {
                insertMultiRow(statements, fresh, firstFresh, head);
            } else {
                insertBatched(statements, fresh, firstFresh, head, giveWay);
            }
            UsageRollup.add(statements, fresh, giveWay);
            if (head != null && head.seq() == firstReceiptSeq + rows.size() - 1) {
                ReceiptHeadStore.write(statements, head);
            }
            return null;
        });
    }

    /**
     * How many of {@code count} rows numbered from {@code firstReceiptSeq} in {@code head}'s trail the
     * store holds already: a trail's rows are stored in the order of their receipts, so those up to
     * its highest row's.
     */
    private int alreadyStored(Statements statements, int count, long firstReceiptSeq, ReceiptHead head) throws SQLException {
        long highest = ReceiptHeadStore.highestUsageReceipt(statements, db.dialect(), head.instance());
        return (int) Math.clamp(highest - firstReceiptSeq + 1, 0, count);
    }

    /** SQLite: one prepared row, {@link #ROWS_PER_STATEMENT_BATCH} rows per native call, giving way between two. */
    private static void insertBatched(Statements statements, List<UsageRow> rows, long firstReceiptSeq, ReceiptHead head,
            GiveWay giveWay) throws SQLException {
        PreparedStatement ps = statements.prepare(INSERT);
        ps.clearBatch();
        int pending = 0;
        long receiptSeq = firstReceiptSeq;
        for (UsageRow r : rows) {
            bind(ps, r, 0, head == null ? null : receiptSeq++, head);
            ps.addBatch();
            if (++pending == ROWS_PER_STATEMENT_BATCH) {
                ps.executeBatch();
                pending = 0;
                giveWay.point();
            }
        }
        ps.executeBatch();
    }

    /** PostgreSQL: the rows in as few multi-row INSERTs as their count's binary digits (at most 64 rows each). */
    private static void insertMultiRow(Statements statements, List<UsageRow> rows, long firstReceiptSeq,
            ReceiptHead head) throws SQLException {
        int done = 0;
        while (done < rows.size()) {
            int n = Integer.highestOneBit(Math.min(rows.size() - done, MAX_ROWS_PER_INSERT));
            PreparedStatement ps = statements.prepare(INSERTS[Integer.numberOfTrailingZeros(n)]);
            for (int j = 0; j < n; j++) {
                int at = done + j;
                bind(ps, rows.get(at), j * COLUMNS, head == null ? null : firstReceiptSeq + at, head);
            }
            ps.executeUpdate();
            done += n;
        }
    }

    /** Binds one row's parameters after the first {@code offset}; its receipt's number ({@code seq}) in {@code head}'s trail, if signed. */
    private static void bind(PreparedStatement ps, UsageRow r, int offset, Long seq, ReceiptHead head) throws SQLException {
        if (head == null) {
            ps.setNull(offset + RECEIPT_SEQ, Types.INTEGER);
            ps.setNull(offset + RECEIPT_INSTANCE, Types.VARCHAR);
        } else {
            ps.setLong(offset + RECEIPT_SEQ, seq);
            ps.setString(offset + RECEIPT_INSTANCE, head.instance());
        }
        int i = offset + 1;
        ps.setLong(i++, r.tsMillis());
        ps.setString(i++, r.requestId());
        ps.setString(i++, r.keyId());
        ps.setString(i++, r.tenant());
        ps.setString(i++, r.runId());
        ps.setString(i++, r.route());
        ps.setString(i++, r.modelRequested());
        ps.setString(i++, r.model());
        ps.setString(i++, r.provider());
        ps.setInt(i++, r.status());
        ps.setString(i++, r.errorCode());
        ps.setLong(i++, r.inputTokens());
        ps.setLong(i++, r.cachedInputTokens());
        ps.setLong(i++, r.cacheWriteTokens());
        ps.setLong(i++, r.outputTokens());
        ps.setLong(i++, r.reasoningTokens());
        ps.setLong(i++, r.costNanos());
        ps.setInt(i++, r.unpriced() ? 1 : 0);
        ps.setString(i++, r.priceVersion());
        setDouble(ps, i++, r.latencyMs());
        setDouble(ps, i++, r.firstByteMs());
        ps.setInt(i++, r.streamed() ? 1 : 0);
        ps.setInt(i++, r.complete() ? 1 : 0);
        ps.setString(i++, r.secrets().isEmpty() ? null : r.secrets().toJson());
        ps.setString(i++, r.agentSession().sessionId());
        ps.setString(i++, r.agentSession().agentId());
        ps.setString(i++, r.agentSession().client());
        UsageRow.ToolCall tool = r.toolCall();
        ps.setString(i++, tool == null ? null : tool.server());
        ps.setString(i++, tool == null ? null : tool.tool());
        if (tool == null) {
            ps.setNull(i++, Types.BIGINT);
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i++, tool.requestBytes());
            ps.setLong(i, tool.responseBytes());
        }
    }

    private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.REAL);
        } else {
            ps.setDouble(i, v);
        }
    }
}
