-- One row per charge refunded. A refund is paid with its row, in one statement, and a
-- second attempt finds the row and pays nothing: a refund retried after a statement that
-- timed out (and may have committed after all), or one carried by an audit record that a
-- spool replay writes twice, is paid once.
--
-- No foreign key to the tenant: a refund owed to a tenant deleted since then pays nothing,
-- where a failed key check would hold up the audit rows written in the same transaction.
CREATE TABLE securetag.credit_refund (
    charge_id   UUID PRIMARY KEY,
    tenant_id   UUID NOT NULL,
    cents       BIGINT NOT NULL CHECK (cents > 0),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
