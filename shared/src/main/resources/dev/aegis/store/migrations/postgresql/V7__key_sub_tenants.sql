-- PostgreSQL's V7 (see migrations/V7__key_sub_tenants.sql): a key minted with `aegis keygen --tenant T
-- --sub-tenants` may tag its calls with x-tenant-id T/<anything>; every other key's calls belong to its own tenant only.
ALTER TABLE api_keys ADD COLUMN sub_tenants INTEGER NOT NULL DEFAULT 0
