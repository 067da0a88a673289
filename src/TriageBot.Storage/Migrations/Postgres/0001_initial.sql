-- TriageBot schema v1 (PostgreSQL). Timestamps are timestamptz (UTC), ids uuid, enums stored by name.

CREATE TABLE tenants (
    tenant        text        NOT NULL PRIMARY KEY,
    first_seen_at timestamptz NOT NULL
);

CREATE TABLE requests (
    tenant         text        NOT NULL,
    id             uuid        NOT NULL,
    platform       text        NOT NULL,
    channel        text        NOT NULL,
    message_ref    text        NULL,
    message_link   text        NULL,
    requester_id   text        NOT NULL,
    requester_name text        NOT NULL,
    lead_id        text        NOT NULL,
    text           text        NOT NULL,
    received_at    timestamptz NOT NULL,
    topic_id       text        NULL,
    status         text        NOT NULL,
    owner_type     text        NULL,
    owner_id       text        NULL,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX ix_requests_lead_received ON requests (tenant, lead_id, received_at);
CREATE INDEX ix_requests_lead_topic_received ON requests (tenant, lead_id, topic_id, received_at);
CREATE INDEX ix_requests_status_owner ON requests (tenant, status, owner_id);

CREATE TABLE decisions (
    tenant         text        NOT NULL,
    request_id     uuid        NOT NULL,
    version        integer     NOT NULL,
    outcome        text        NOT NULL,
    rule           text        NOT NULL,
    policy_version text        NOT NULL,
    decision_json  text        NOT NULL,
    overrides_json text        NOT NULL,
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant, request_id, version),
    FOREIGN KEY (tenant, request_id) REFERENCES requests (tenant, id) ON DELETE CASCADE
);

CREATE TABLE time_entries (
    tenant       text        NOT NULL,
    id           uuid        NOT NULL,
    lead_id      text        NOT NULL,
    request_id   uuid        NULL,
    minutes      integer     NOT NULL CHECK (minutes > 0),
    kind         text        NOT NULL,
    is_estimate  boolean     NOT NULL,
    topic_id     text        NULL,
    requester_id text        NULL,
    at           timestamptz NOT NULL,
    note         text        NULL,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX ix_time_entries_lead_at ON time_entries (tenant, lead_id, at);
CREATE INDEX ix_time_entries_at ON time_entries (tenant, at);

CREATE TABLE processed_events (
    tenant       text        NOT NULL,
    event_id     text        NOT NULL,
    processed_at timestamptz NOT NULL,
    PRIMARY KEY (tenant, event_id)
);
CREATE INDEX ix_processed_events_at ON processed_events (processed_at);

CREATE TABLE work_items (
    id           uuid        NOT NULL PRIMARY KEY,
    tenant       text        NOT NULL,
    kind         text        NOT NULL,
    payload_json text        NOT NULL,
    attempts     integer     NOT NULL,
    not_before   timestamptz NOT NULL,
    created_at   timestamptz NOT NULL,
    dedup_key    text        NULL,
    state        text        NOT NULL,      -- pending | done | dead
    lease_owner  text        NULL,
    lease_until  timestamptz NULL,
    last_error   text        NULL,
    updated_at   timestamptz NOT NULL
);
CREATE UNIQUE INDEX ux_work_items_dedup ON work_items (tenant, dedup_key) WHERE dedup_key IS NOT NULL;
CREATE INDEX ix_work_items_ready ON work_items (not_before) WHERE state = 'pending';
CREATE INDEX ix_work_items_dead ON work_items (state) WHERE state = 'dead';

CREATE TABLE installations (
    tenant          text        NOT NULL PRIMARY KEY,
    platform        text        NOT NULL,
    bot_user_id     text        NULL,
    protected_token text        NULL,
    installed_by    text        NULL,
    installed_at    timestamptz NOT NULL,
    metadata_json   text        NULL
);

CREATE TABLE conversation_refs (
    tenant         text        NOT NULL,
    user_key       text        NOT NULL,
    person_id      text        NULL,
    reference_json text        NOT NULL,
    blocked        boolean     NOT NULL,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant, user_key)
);
CREATE INDEX ix_conversation_refs_person ON conversation_refs (tenant, person_id, updated_at);

CREATE TABLE lead_settings (
    tenant       text             NOT NULL,
    lead_id      text             NOT NULL,
    budget_hours double precision NULL,
    digest_day   text             NULL,
    digest_time  text             NULL,
    time_zone    text             NULL,
    PRIMARY KEY (tenant, lead_id)
);

CREATE TABLE digest_deliveries (
    tenant       text        NOT NULL,
    lead_id      text        NOT NULL,
    week         text        NOT NULL,
    status       text        NOT NULL,      -- Claimed | Sent | Skipped | Failed
    owner        text        NULL,
    lease_until  timestamptz NULL,
    claims       integer     NOT NULL,
    claimed_at   timestamptz NULL,
    completed_at timestamptz NULL,
    detail       text        NULL,
    PRIMARY KEY (tenant, lead_id, week)
);
