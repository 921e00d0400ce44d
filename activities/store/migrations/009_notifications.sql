-- Notifications: the channels users configure (their secrets sealed inside target, as connector
-- credentials are), the events raised for a person (rendered once, naming no person and no secret),
-- and the delivery log: one row per event and channel, so a retried delivery never sends twice what
-- was sent.
CREATE TABLE notification_channel (
  id           UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  name         VARCHAR(200) NOT NULL,
  -- NULL: every connector's events and the platform's own.
  connector_id UUID,
  events       JSONB NOT NULL,
  enabled      BOOLEAN NOT NULL DEFAULT true,
  target       JSONB NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX notification_channel_by_connector ON notification_channel (connector_id);

CREATE TABLE notification_event (
  event_id     TEXT PRIMARY KEY,
  kind         VARCHAR(50) NOT NULL,
  connector_id UUID,
  message      JSONB NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX notification_event_by_time ON notification_event (created_at DESC);

CREATE TABLE notification_delivery (
  event_id     TEXT NOT NULL REFERENCES notification_event (event_id) ON DELETE CASCADE,
  channel_id   UUID NOT NULL,
  channel_kind VARCHAR(20) NOT NULL,
  status       VARCHAR(20) NOT NULL CHECK (status IN ('sending', 'sent', 'failing', 'failed')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  last_error   TEXT,
  sent_at      TIMESTAMPTZ,
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (event_id, channel_id)
);
CREATE INDEX notification_delivery_by_channel ON notification_delivery (channel_id, updated_at DESC);
