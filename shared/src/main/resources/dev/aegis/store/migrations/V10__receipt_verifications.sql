-- The last `aegis receipts verify` of each trail (its folder), for the dashboard's receipts panel:
-- when, whether the trail was intact, how many receipts were checked, the seq it reached (NULL when
-- broken) and, when broken, where and why.
CREATE TABLE receipt_verifications (
    trail       TEXT PRIMARY KEY,
    verified_ms INTEGER NOT NULL,
    intact      INTEGER NOT NULL,
    receipts    INTEGER NOT NULL,
    head_seq    INTEGER,
    problem     TEXT
)
