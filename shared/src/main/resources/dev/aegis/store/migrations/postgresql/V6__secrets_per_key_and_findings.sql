-- A key may carry its own secrets mode (block | redact | off) over security.secrets.mode; NULL follows the config.
ALTER TABLE api_keys ADD COLUMN secrets_mode TEXT;
-- Secrets found in a call's prompt, as kinds and counts only, never values: {"aws_access_key_id":2}. NULL when none.
ALTER TABLE usage ADD COLUMN secret_findings TEXT
