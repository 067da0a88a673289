-- Examples the Leads taught (topic corrections, takes, redirects), per tenant; one per request (a later one replaces it).
CREATE TABLE learned_examples (
    tenant       text        NOT NULL,
    request_id   uuid        NOT NULL,
    lead_id      text        NOT NULL,
    topic_id     text        NOT NULL,
    text         text        NOT NULL,
    source       text        NOT NULL,
    at           timestamptz NOT NULL,
    vector       bytea       NULL,
    vector_model text        NULL,
    PRIMARY KEY (tenant, request_id),
    -- An example goes with its request.
    FOREIGN KEY (tenant, request_id) REFERENCES requests (tenant, id) ON DELETE CASCADE
);
CREATE INDEX ix_learned_examples_tenant_at ON learned_examples (tenant, at DESC);

-- A change counter per tenant, so replicas notice each other's additions with one cheap read.
CREATE TABLE learned_versions (
    tenant  text   NOT NULL PRIMARY KEY,
    version bigint NOT NULL
);
