-- Per-tenant keys of the HTTP API (/api/v1). Only the SHA-256 hash of a key's secret is stored; key_id is its public part.
CREATE TABLE api_keys (
    key_id      text        NOT NULL PRIMARY KEY,
    tenant      text        NOT NULL,
    name        text        NOT NULL,
    secret_hash bytea       NOT NULL,
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz NULL
);
CREATE INDEX ix_api_keys_tenant ON api_keys (tenant, created_at);
