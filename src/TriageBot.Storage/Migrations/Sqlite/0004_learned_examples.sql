-- Examples the Leads taught (topic corrections, takes, redirects), per tenant; one per request (a later one replaces it).
CREATE TABLE learned_examples (
    tenant       TEXT    NOT NULL,
    request_id   TEXT    NOT NULL,
    lead_id      TEXT    NOT NULL,
    topic_id     TEXT    NOT NULL,
    text         TEXT    NOT NULL,
    source       TEXT    NOT NULL,
    at           INTEGER NOT NULL,
    vector       BLOB    NULL,
    vector_model TEXT    NULL,
    PRIMARY KEY (tenant, request_id)
);
CREATE INDEX ix_learned_examples_tenant_at ON learned_examples (tenant, at DESC);

-- A change counter per tenant, so replicas notice each other's additions with one cheap read.
CREATE TABLE learned_versions (
    tenant  TEXT    NOT NULL PRIMARY KEY,
    version INTEGER NOT NULL
);

-- An example goes with its request.
CREATE TRIGGER tr_requests_delete_learned AFTER DELETE ON requests
BEGIN
    DELETE FROM learned_examples WHERE tenant = old.tenant AND request_id = old.id;
END;
