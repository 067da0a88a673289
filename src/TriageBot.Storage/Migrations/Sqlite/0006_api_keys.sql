-- Per-tenant keys of the HTTP API (/api/v1). Only the SHA-256 hash of a key's secret is stored; key_id is its public part.
CREATE TABLE api_keys (
    key_id      TEXT    NOT NULL PRIMARY KEY,
    tenant      TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    secret_hash BLOB    NOT NULL,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER NULL
);
CREATE INDEX ix_api_keys_tenant ON api_keys (tenant, created_at);
