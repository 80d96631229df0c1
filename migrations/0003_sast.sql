-- SAST jobs and findings. Jobs are taken with FOR UPDATE SKIP LOCKED, so the pools of
-- several instances share them; a job whose lease ran out (its process died) is taken again.
CREATE TABLE securetag.sast_job (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id       UUID,
    request_id      TEXT,                    -- the /ai/ answer the code came from, if any
    source          TEXT NOT NULL CHECK (source IN ('answer', 'api')),
    filename        TEXT,
    content_sealed  TEXT,                    -- AES-256-GCM; cleared once the job is done
    status          TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    max_attempts    INTEGER NOT NULL DEFAULT 3,
    locked_by       TEXT,
    lease_until     TIMESTAMPTZ,
    error           TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at      TIMESTAMPTZ,
    finished_at     TIMESTAMPTZ
);
CREATE INDEX sast_job_ready ON securetag.sast_job(created_at) WHERE status IN ('queued', 'running');
CREATE INDEX sast_job_tenant ON securetag.sast_job(tenant_id, created_at DESC);

CREATE TABLE securetag.sast_finding (
    id              BIGSERIAL PRIMARY KEY,
    job_id          UUID NOT NULL REFERENCES securetag.sast_job(id) ON DELETE CASCADE,
    tenant_id       UUID,
    request_id      TEXT,
    block_index     INTEGER NOT NULL,
    line            INTEGER NOT NULL,
    rule_id         TEXT NOT NULL,
    cwe             TEXT NOT NULL,
    severity        TEXT NOT NULL,
    message         TEXT NOT NULL,
    fix             TEXT,
    explanation     TEXT,                    -- from the optional deeper analysis
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX sast_finding_job ON securetag.sast_finding(job_id);
CREATE INDEX sast_finding_request ON securetag.sast_finding(tenant_id, request_id);
