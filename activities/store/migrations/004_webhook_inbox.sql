-- The webhook inbox (issue 4): events pushed to us (SendGrid), durably kept before the sender gets
-- its 2xx, then drained into the warehouse in inbox order.
--
-- `seq` is the drain's position. Writers of one connector take an advisory lock for their
-- transaction, so a connector's rows become visible in seq order and a drain that has read past a
-- seq never finds an earlier one appearing later. A redelivered event (same connector, same
-- event id) is not stored again. `email` is the address the event is about, for erasure
-- (inbox-erasure.ts); it is personal data, like the payload, and is never logged. No foreign key: a deleted connector's events
-- stay until erased or pruned, like its audit trail.

CREATE TABLE webhook_inbox (
  seq               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  connector_id      UUID NOT NULL,
  event_id          VARCHAR(255) NOT NULL,
  email             VARCHAR(320) NOT NULL,
  payload           JSONB NOT NULL,
  -- Set when the event arrived outside its accepted window: it is loaded into quarantine, not dropped.
  quarantine_reason TEXT,
  received_at       TIMESTAMPTZ NOT NULL,
  UNIQUE (connector_id, event_id)
);
CREATE INDEX idx_webhook_inbox_connector_seq ON webhook_inbox (connector_id, seq);
CREATE INDEX idx_webhook_inbox_email ON webhook_inbox (lower(email));
