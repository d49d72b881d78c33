-- Daily rollup of usage: one row per UTC day and (key, tenant, model, requested model, provider),
-- kept in the same transaction as the usage rows it sums, so whole days of a report are read here
-- instead of from every call. day is floor(ts_ms / 86400000): the epoch day, also before 1970.
-- run_id is not rolled up (runs are many and short): reports by or filtered on run read raw rows.
CREATE TABLE usage_daily (
    day                 INTEGER NOT NULL,
    key_id              TEXT,
    tenant              TEXT,
    model               TEXT,
    model_requested     TEXT,
    provider            TEXT,
    requests            INTEGER NOT NULL,
    input_tokens        INTEGER NOT NULL,
    cached_input_tokens INTEGER NOT NULL,
    cache_write_tokens  INTEGER NOT NULL,
    output_tokens       INTEGER NOT NULL,
    reasoning_tokens    INTEGER NOT NULL,
    cost_nanos          INTEGER NOT NULL
);
CREATE INDEX usage_daily_cell ON usage_daily (day, key_id, tenant, model, model_requested, provider);
CREATE INDEX usage_daily_key ON usage_daily (key_id, day);
-- Backfill from the calls already recorded.
INSERT INTO usage_daily
SELECT (ts_ms - (ts_ms < 0) * 86399999) / 86400000, key_id, tenant, model, model_requested, provider, COUNT(*),
       SUM(input_tokens), SUM(cached_input_tokens), SUM(cache_write_tokens), SUM(output_tokens),
       SUM(reasoning_tokens), SUM(cost_nanos)
FROM usage
GROUP BY 1, 2, 3, 4, 5, 6;
-- The prompt log (audit.prompt_log, off by default): previews of what was asked and answered, secrets
-- redacted, pruned to the newest max_entries rows.
CREATE TABLE prompt_log (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    ts_ms            INTEGER NOT NULL,
    request_id       TEXT NOT NULL,
    key_id           TEXT,
    route            TEXT NOT NULL,
    model            TEXT,
    status           INTEGER NOT NULL,
    error_code       TEXT,
    input_tokens     INTEGER NOT NULL,
    output_tokens    INTEGER NOT NULL,
    request_preview  TEXT NOT NULL,
    response_preview TEXT NOT NULL,
    redactions       INTEGER NOT NULL
)
