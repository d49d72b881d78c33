-- A key minted by `aegis run` tags every call with its run, and may carry a token budget for its life.
ALTER TABLE api_keys ADD COLUMN run_id TEXT;
ALTER TABLE api_keys ADD COLUMN token_budget BIGINT
