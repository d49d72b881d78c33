-- One receipt trail head per daemon instance (keys/receipts.instance), so daemons sharing a store each
-- keep theirs. The head of a trail begun before instance ids moves over as instance '' (a home's own
-- store; the daemon's next start gives it its instance). Written in the same transaction as the usage
-- rows of the receipts it covers, each row naming its receipt's instance.
CREATE TABLE receipt_heads (
    instance   TEXT PRIMARY KEY,
    seq        INTEGER NOT NULL,
    hash       TEXT NOT NULL,
    key_fp     TEXT NOT NULL,
    updated_ms INTEGER NOT NULL
);
INSERT INTO receipt_heads (instance, seq, hash, key_fp, updated_ms) SELECT '', seq, hash, key_fp, updated_ms FROM receipt_head;
DROP TABLE receipt_head;
-- The instance whose trail holds the row's receipt (receipt_seq); NULL for rows written before instance ids.
ALTER TABLE usage ADD COLUMN receipt_instance TEXT
