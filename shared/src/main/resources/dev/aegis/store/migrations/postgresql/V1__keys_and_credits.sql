-- PostgreSQL's V1 (team mode): the same schema as migrations/V1__keys_and_credits.sql. Integers that
-- can pass 2^31 (nano-USD, tokens, epoch milliseconds) are BIGINT; flags and small counts INTEGER.
-- Keys: only the SHA-256 of the secret is stored. Times are ISO-8601 UTC text (portable SQL).
CREATE TABLE api_keys (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    tenant        TEXT NOT NULL,
    secret_sha256 TEXT NOT NULL,
    admin         INTEGER NOT NULL DEFAULT 0,
    models        TEXT,
    rpm           INTEGER,
    tpm           INTEGER,
    created_at    TEXT NOT NULL,
    expires_at    TEXT,
    revoked_at    TEXT
);

-- Credits in nano-USD (1e-9 USD) as exact integers. A key without a row has no credit limit.
CREATE TABLE credit_accounts (
    key_id         TEXT PRIMARY KEY REFERENCES api_keys (id),
    balance_nanos  BIGINT NOT NULL,
    reserved_nanos BIGINT NOT NULL DEFAULT 0,
    updated_at     TEXT NOT NULL
);
