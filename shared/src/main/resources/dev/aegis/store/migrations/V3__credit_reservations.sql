-- Credits reserved by calls in flight. Each row is released or settled when its call ends, and
-- every leftover row (a crash) is released when a daemon starts.
CREATE TABLE credit_reservations (
    id           TEXT PRIMARY KEY,
    key_id       TEXT NOT NULL REFERENCES api_keys (id),
    amount_nanos INTEGER NOT NULL,
    created_at   TEXT NOT NULL
)
