-- PII incidents follow their log row by trigger instead of by foreign key.
--
-- The foreign key made PostgreSQL check and share-lock the parent log row once per incident
-- row: about 30 % of the database CPU of every audit batch, spent on the same two cores the
-- requests need, to re-check rows the audit writer inserted in the same transaction a
-- statement earlier. What operators rely on is kept: deleting or truncating log rows (for
-- retention) still removes their incidents, by one set-based statement per DELETE.
ALTER TABLE securetag.ai_gateway_pii_incident
    DROP CONSTRAINT IF EXISTS ai_gateway_pii_incident_log_id_fkey;

CREATE FUNCTION securetag.ai_gateway_log_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM securetag.ai_gateway_pii_incident i USING gone g WHERE i.log_id = g.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER ai_gateway_log_cascade_delete
    AFTER DELETE ON securetag.ai_gateway_log
    REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION securetag.ai_gateway_log_deleted();

CREATE FUNCTION securetag.ai_gateway_log_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE securetag.ai_gateway_pii_incident;
    RETURN NULL;
END
$$;

CREATE TRIGGER ai_gateway_log_cascade_truncate
    AFTER TRUNCATE ON securetag.ai_gateway_log
    FOR EACH STATEMENT EXECUTE FUNCTION securetag.ai_gateway_log_truncated();
