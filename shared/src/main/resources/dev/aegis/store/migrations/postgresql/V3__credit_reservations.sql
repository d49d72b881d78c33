-- Credits reserved by calls in flight (PostgreSQL's V3). The id starts with the daemon's instance,
-- so a daemon starting releases only the holds its own earlier run left, never another daemon's.
CREATE TABLE credit_reservations (
    id           TEXT PRIMARY KEY,
    key_id       TEXT NOT NULL REFERENCES api_keys (id),
    amount_nanos BIGINT NOT NULL,
    created_at   TEXT NOT NULL
)
