-- Which operator-defined custom entities (ai.custom_entities) a tenant's prompts are
-- scanned for; ["*"] means all of them.
ALTER TABLE securetag.ai_gateway_config
    ADD COLUMN custom_entities JSONB NOT NULL DEFAULT '["*"]';
