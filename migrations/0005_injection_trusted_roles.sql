-- Roles whose messages a tenant's policy does not score for prompt injection (they are
-- still scanned for PII and secrets): by default the application's own instructions.
-- A tenant whose clients write those roles themselves sets it to [].
ALTER TABLE securetag.ai_gateway_config
    ADD COLUMN injection_trusted_roles JSONB NOT NULL DEFAULT '["system", "developer"]';
