-- Team mode's shared token budgets and rate limits (docs/TEAM.md, "Budgets and rate limits").
-- Only daemons on a shared PostgreSQL use them; a single daemon on SQLite counts in its memory, so
-- these tables stay empty here and exist for the same schema history in both dialects.
-- Tokens spent per budget and window (run, key, tenant's minute or day), by every daemon.
CREATE TABLE budget_counters (
    name       TEXT PRIMARY KEY,
    used       INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL
);
-- Each key's and rule's GCRA theoretical arrival time, in nanoseconds of the database's clock.
CREATE TABLE rate_limit_state (
    key_id  TEXT NOT NULL,
    rule    TEXT NOT NULL,
    tat_ns  INTEGER NOT NULL,
    PRIMARY KEY (key_id, rule)
)
