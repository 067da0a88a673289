-- TriageBot schema v1 (SQLite). Timestamps are INTEGER microseconds since the Unix epoch, UTC.
-- Ids are TEXT (canonical Guid "D" format). Enums are stored by name.

CREATE TABLE tenants (
    tenant        TEXT    NOT NULL PRIMARY KEY,
    first_seen_at INTEGER NOT NULL
);

CREATE TABLE requests (
    tenant         TEXT    NOT NULL,
    id             TEXT    NOT NULL,
    platform       TEXT    NOT NULL,
    channel        TEXT    NOT NULL,
    message_ref    TEXT    NULL,
    message_link   TEXT    NULL,
    requester_id   TEXT    NOT NULL,
    requester_name TEXT    NOT NULL,
    lead_id        TEXT    NOT NULL,
    text           TEXT    NOT NULL,
    received_at    INTEGER NOT NULL,
    topic_id       TEXT    NULL,
    status         TEXT    NOT NULL,
    owner_type     TEXT    NULL,
    owner_id       TEXT    NULL,
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX ix_requests_lead_received ON requests (tenant, lead_id, received_at);
CREATE INDEX ix_requests_lead_topic_received ON requests (tenant, lead_id, topic_id, received_at);
CREATE INDEX ix_requests_status_owner ON requests (tenant, status, owner_id);

CREATE TABLE decisions (
    tenant         TEXT    NOT NULL,
    request_id     TEXT    NOT NULL,
    version        INTEGER NOT NULL,
    outcome        TEXT    NOT NULL,
    rule           TEXT    NOT NULL,
    policy_version TEXT    NOT NULL,
    decision_json  TEXT    NOT NULL,
    overrides_json TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    PRIMARY KEY (tenant, request_id, version),
    FOREIGN KEY (tenant, request_id) REFERENCES requests (tenant, id) ON DELETE CASCADE
);

CREATE TABLE time_entries (
    tenant       TEXT    NOT NULL,
    id           TEXT    NOT NULL,
    lead_id      TEXT    NOT NULL,
    request_id   TEXT    NULL,
    minutes      INTEGER NOT NULL CHECK (minutes > 0),
    kind         TEXT    NOT NULL,
    is_estimate  INTEGER NOT NULL,
    topic_id     TEXT    NULL,
    requester_id TEXT    NULL,
    at           INTEGER NOT NULL,
    note         TEXT    NULL,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX ix_time_entries_lead_at ON time_entries (tenant, lead_id, at);
CREATE INDEX ix_time_entries_at ON time_entries (tenant, at);

CREATE TABLE processed_events (
    tenant       TEXT    NOT NULL,
    event_id     TEXT    NOT NULL,
    processed_at INTEGER NOT NULL,
    PRIMARY KEY (tenant, event_id)
);
CREATE INDEX ix_processed_events_at ON processed_events (processed_at);

CREATE TABLE work_items (
    id           TEXT    NOT NULL PRIMARY KEY,
    tenant       TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    payload_json TEXT    NOT NULL,
    attempts     INTEGER NOT NULL,
    not_before   INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    dedup_key    TEXT    NULL,
    state        TEXT    NOT NULL,          -- pending | done | dead
    lease_owner  TEXT    NULL,
    lease_until  INTEGER NULL,
    last_error   TEXT    NULL,
    updated_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_work_items_dedup ON work_items (tenant, dedup_key) WHERE dedup_key IS NOT NULL;
CREATE INDEX ix_work_items_ready ON work_items (not_before) WHERE state = 'pending';
CREATE INDEX ix_work_items_dead ON work_items (state) WHERE state = 'dead';

CREATE TABLE installations (
    tenant          TEXT    NOT NULL PRIMARY KEY,
    platform        TEXT    NOT NULL,
    bot_user_id     TEXT    NULL,
    protected_token TEXT    NULL,
    installed_by    TEXT    NULL,
    installed_at    INTEGER NOT NULL,
    metadata_json   TEXT    NULL
);

CREATE TABLE conversation_refs (
    tenant         TEXT    NOT NULL,
    user_key       TEXT    NOT NULL,
    person_id      TEXT    NULL,
    reference_json TEXT    NOT NULL,
    blocked        INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (tenant, user_key)
);
CREATE INDEX ix_conversation_refs_person ON conversation_refs (tenant, person_id, updated_at);

CREATE TABLE lead_settings (
    tenant       TEXT NOT NULL,
    lead_id      TEXT NOT NULL,
    budget_hours REAL NULL,
    digest_day   TEXT NULL,
    digest_time  TEXT NULL,
    time_zone    TEXT NULL,
    PRIMARY KEY (tenant, lead_id)
);

CREATE TABLE digest_deliveries (
    tenant       TEXT    NOT NULL,
    lead_id      TEXT    NOT NULL,
    week         TEXT    NOT NULL,
    status       TEXT    NOT NULL,          -- Claimed | Sent | Skipped | Failed
    owner        TEXT    NULL,
    lease_until  INTEGER NULL,
    claims       INTEGER NOT NULL,
    claimed_at   INTEGER NULL,
    completed_at INTEGER NULL,
    detail       TEXT    NULL,
    PRIMARY KEY (tenant, lead_id, week)
);
