-- PostgreSQL's V9 (see migrations/V9__receipt_heads.sql): one receipt trail head per daemon instance,
-- so the daemons sharing this store each keep theirs; usage rows name their receipt's instance.
CREATE TABLE receipt_heads (
    instance   TEXT PRIMARY KEY,
    seq        BIGINT NOT NULL,
    hash       TEXT NOT NULL,
    key_fp     TEXT NOT NULL,
    updated_ms BIGINT NOT NULL
);
INSERT INTO receipt_heads (instance, seq, hash, key_fp, updated_ms) SELECT '', seq, hash, key_fp, updated_ms FROM receipt_head;
DROP TABLE receipt_head;
ALTER TABLE usage ADD COLUMN receipt_instance TEXT
