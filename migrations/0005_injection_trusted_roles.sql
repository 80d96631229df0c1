-- Roles whose messages a tenant's policy does not score for prompt injection (they are
-- still scanned for PII and secrets): by default the application's own instructions.
-- A tenant whose clients write those roles themselves sets it to [].
-- The CHECK keeps a hand-written value readable: a list of role names, or the key look-up
-- of every key of the tenant would fail.
ALTER TABLE securetag.ai_gateway_config
    ADD COLUMN injection_trusted_roles JSONB NOT NULL DEFAULT '["system", "developer"]'
    CONSTRAINT injection_trusted_roles_is_a_list_of_names CHECK (
        jsonb_typeof(injection_trusted_roles) = 'array'
        AND NOT jsonb_path_exists(injection_trusted_roles, '$[*] ? (@.type() != "string")')
    );
