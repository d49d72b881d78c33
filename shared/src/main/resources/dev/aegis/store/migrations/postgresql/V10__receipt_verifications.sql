-- PostgreSQL's V9 (see migrations/V9__receipt_verifications.sql): the last `aegis receipts verify`
-- of each trail (its folder), for the dashboard's receipts panel.
CREATE TABLE receipt_verifications (
    trail       TEXT PRIMARY KEY,
    verified_ms BIGINT NOT NULL,
    intact      INTEGER NOT NULL,
    receipts    BIGINT NOT NULL,
    head_seq    BIGINT,
    problem     TEXT
)
