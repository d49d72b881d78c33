-- The receipt trail's head, kept outside the trail: the last signed receipt's seq, the SHA-256 of its
-- line and its key's fingerprint. Written in the same transaction as the usage rows of the receipts
-- it covers, so `aegis receipts verify` notices a trail cut short, emptied or re-signed.
CREATE TABLE receipt_head (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    seq        INTEGER NOT NULL,
    hash       TEXT NOT NULL,
    key_fp     TEXT NOT NULL,
    updated_ms INTEGER NOT NULL
);
-- The seq of the receipt signed for this call; NULL when receipts were off.
ALTER TABLE usage ADD COLUMN receipt_seq INTEGER
