-- One row per proxied call, refusals included. Token counts are normalised (SPEC §6); cost is exact
-- nano-USD (1e-9). ts_ms is epoch milliseconds, so range queries and ordering are plain integers.
CREATE TABLE usage (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    ts_ms               INTEGER NOT NULL,
    request_id          TEXT NOT NULL,
    key_id              TEXT,
    tenant              TEXT,
    run_id              TEXT,
    route               TEXT NOT NULL,
    model_requested     TEXT,
    model               TEXT,
    provider            TEXT,
    status              INTEGER NOT NULL,
    error_code          TEXT,
    input_tokens        INTEGER NOT NULL DEFAULT 0,
    cached_input_tokens INTEGER NOT NULL DEFAULT 0,
    cache_write_tokens  INTEGER NOT NULL DEFAULT 0,
    output_tokens       INTEGER NOT NULL DEFAULT 0,
    reasoning_tokens    INTEGER NOT NULL DEFAULT 0,
    cost_nanos          INTEGER NOT NULL DEFAULT 0,
    unpriced            INTEGER NOT NULL DEFAULT 0,
    price_version       TEXT,
    latency_ms          REAL,
    first_byte_ms       REAL,
    streamed            INTEGER NOT NULL DEFAULT 0,
    complete            INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX usage_ts ON usage (ts_ms);
CREATE INDEX usage_key_ts ON usage (key_id, ts_ms);
CREATE INDEX usage_tenant_ts ON usage (tenant, ts_ms);
CREATE INDEX usage_run ON usage (run_id)
