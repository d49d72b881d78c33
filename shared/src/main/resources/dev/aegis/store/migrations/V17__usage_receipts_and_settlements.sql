-- The newest receipt a trail's usage rows name, read by every write of signed rows (a batch written
-- again after its commit's answer was lost skips the rows already stored), found from this index.
CREATE INDEX usage_receipt ON usage (receipt_instance, receipt_seq);
-- The reservations already settled: a settlement written again after its commit's answer was lost
-- (a database that went down at that moment) charges its call once. Rows older than a week are pruned.
CREATE TABLE credit_settlements (
    reservation_id TEXT NOT NULL PRIMARY KEY,
    settled_ms     INTEGER NOT NULL
);
CREATE INDEX credit_settlements_age ON credit_settlements (settled_ms)
