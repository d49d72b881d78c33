-- PostgreSQL's V17 (see migrations/V17__usage_receipts_and_settlements.sql): the index for a trail's
-- newest usage receipt, and the reservations already settled (a settlement written again charges once).
CREATE INDEX usage_receipt ON usage (receipt_instance, receipt_seq);
CREATE TABLE credit_settlements (
    reservation_id TEXT NOT NULL PRIMARY KEY,
    settled_ms     BIGINT NOT NULL
);
CREATE INDEX credit_settlements_age ON credit_settlements (settled_ms)
