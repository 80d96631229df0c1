-- SecureTag Edge: the AI gateway's tables, in schema securetag.
-- Names and defaults follow the gateway this replaces, so operators' queries keep working.

CREATE SCHEMA IF NOT EXISTS securetag;

CREATE TABLE securetag.tenant (
    id                  UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name                TEXT NOT NULL UNIQUE,
    credits_balance     NUMERIC(10,2) NOT NULL DEFAULT 0 CHECK (credits_balance >= 0),
    ai_gateway_enabled  BOOLEAN NOT NULL DEFAULT TRUE,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE securetag.api_key (
    id                  UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id           UUID NOT NULL REFERENCES securetag.tenant(id) ON DELETE CASCADE,
    key_hash            CHAR(64) NOT NULL UNIQUE,     -- SHA-256 hex of the key; the key itself is never stored
    display_prefix      TEXT NOT NULL,
    ai_gateway_enabled  BOOLEAN NOT NULL DEFAULT TRUE,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at          TIMESTAMPTZ,
    revoked_at          TIMESTAMPTZ
);
CREATE INDEX api_key_tenant ON securetag.api_key(tenant_id);

CREATE TABLE securetag.security_ban (
    id                  BIGSERIAL PRIMARY KEY,
    type                TEXT NOT NULL CHECK (type IN ('ip', 'api_key', 'tenant')),
    value               TEXT NOT NULL,               -- an IP, an api_key id, or a tenant id
    is_banned           BOOLEAN NOT NULL DEFAULT TRUE,
    banned_until        TIMESTAMPTZ,                 -- NULL: until lifted
    reason              TEXT NOT NULL DEFAULT '',
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX security_ban_active ON securetag.security_ban(type, value) WHERE is_banned;

CREATE TABLE securetag.ai_gateway_config (
    tenant_id                   UUID PRIMARY KEY REFERENCES securetag.tenant(id) ON DELETE CASCADE,
    is_enabled                  BOOLEAN NOT NULL DEFAULT FALSE,
    allowed_models              JSONB NOT NULL DEFAULT '["*"]',
    blocked_models              JSONB NOT NULL DEFAULT '[]',
    max_tokens_per_request      INTEGER NOT NULL DEFAULT 4096,
    max_requests_per_minute     INTEGER NOT NULL DEFAULT 60,
    pii_action                  TEXT NOT NULL DEFAULT 'redact'
                                CHECK (pii_action IN ('redact', 'block', 'log_only', 'pseudonymize')),
    pii_entities                JSONB NOT NULL DEFAULT '["CREDIT_CARD","EMAIL","PHONE","PERSON","SSN","IP"]',
    prompt_injection_enabled    BOOLEAN NOT NULL DEFAULT TRUE,
    injection_threshold         REAL NOT NULL DEFAULT 0.8,
    secrets_scanning_enabled    BOOLEAN NOT NULL DEFAULT TRUE,
    secrets_action              TEXT NOT NULL DEFAULT 'redact' CHECK (secrets_action IN ('redact', 'block')),
    output_scanning_enabled     BOOLEAN NOT NULL DEFAULT TRUE,
    prompt_logging_mode         TEXT NOT NULL DEFAULT 'hash' CHECK (prompt_logging_mode IN ('hash', 'encrypted')),
    updated_at                  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE securetag.ai_gateway_key_config (
    api_key_id                  UUID PRIMARY KEY REFERENCES securetag.api_key(id) ON DELETE CASCADE,
    model_access                JSONB NOT NULL DEFAULT '["*"]',
    rate_limit_rpm              INTEGER NOT NULL DEFAULT 30,
    provider_keys_encrypted     JSONB NOT NULL DEFAULT '{}',   -- provider name -> AES-256-GCM ciphertext (base64)
    is_active                   BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at                  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE securetag.ai_gateway_log (
    id                  BIGSERIAL PRIMARY KEY,
    request_id          TEXT NOT NULL UNIQUE,         -- replays from the spool are idempotent
    tenant_id           UUID,
    api_key_id          UUID,
    client_ip           TEXT,
    model               TEXT,
    provider            TEXT,
    stream              BOOLEAN NOT NULL DEFAULT FALSE,
    status              INTEGER NOT NULL,
    action              TEXT NOT NULL,                -- allowed | redacted | pseudonymized | blocked | error
    rules               TEXT[] NOT NULL DEFAULT '{}', -- names of rules and entities that fired, never text
    tokens_in           INTEGER NOT NULL DEFAULT 0,
    tokens_out          INTEGER NOT NULL DEFAULT 0,
    credits_charged     NUMERIC(10,2) NOT NULL DEFAULT 0,
    latency_ms          REAL NOT NULL DEFAULT 0,      -- whole request as the client saw it
    upstream_ms         REAL,                         -- provider time
    shield_ms           REAL NOT NULL DEFAULT 0,      -- our own time on the request path
    prompt_hash         CHAR(64),                     -- SHA-256 of the prompt as received (mode hash)
    prompt_encrypted    TEXT,                         -- AES-256-GCM ciphertext (mode encrypted)
    pii_in              INTEGER NOT NULL DEFAULT 0,
    pii_out             INTEGER NOT NULL DEFAULT 0,
    outcome             TEXT NOT NULL DEFAULT 'completed', -- completed | client_disconnected | upstream_error | ...
    error               TEXT,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX ai_gateway_log_tenant_time ON securetag.ai_gateway_log(tenant_id, created_at DESC);

CREATE TABLE securetag.ai_gateway_pii_incident (
    id                  BIGSERIAL PRIMARY KEY,
    log_id              BIGINT NOT NULL REFERENCES securetag.ai_gateway_log(id) ON DELETE CASCADE,
    direction           TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    entity              TEXT NOT NULL,
    count               INTEGER NOT NULL CHECK (count > 0),
    action_taken        TEXT NOT NULL CHECK (action_taken IN ('redacted', 'blocked', 'logged')),
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX ai_gateway_pii_incident_log ON securetag.ai_gateway_pii_incident(log_id);
