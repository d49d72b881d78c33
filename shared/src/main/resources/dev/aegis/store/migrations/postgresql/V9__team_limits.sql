-- PostgreSQL's V9 (see migrations/V9__team_limits.sql): team mode's shared token budgets and rate limits.
-- Tokens spent per budget and window (run, key, tenant's minute or day), by every daemon.
CREATE TABLE budget_counters (
    name       TEXT PRIMARY KEY,
    used       BIGINT NOT NULL,
    expires_ms BIGINT NOT NULL
);
-- Each key's and rule's GCRA theoretical arrival time, in nanoseconds of the database's clock.
CREATE TABLE rate_limit_state (
    key_id  TEXT NOT NULL,
    rule    TEXT NOT NULL,
    tat_ns  BIGINT NOT NULL,
    PRIMARY KEY (key_id, rule)
)
