-- PostgreSQL's V8 (see migrations/V8__receipt_head.sql): the receipt trail's head, kept outside the trail,
-- written in the same transaction as the usage rows of the receipts it covers.
CREATE TABLE receipt_head (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    seq        BIGINT NOT NULL,
    hash       TEXT NOT NULL,
    key_fp     TEXT NOT NULL,
    updated_ms BIGINT NOT NULL
);
-- The seq of the receipt signed for this call; NULL when receipts were off.
ALTER TABLE usage ADD COLUMN receipt_seq BIGINT
