-- API usage against each source's limits, recorded per call: one row per connector, scope and window.
-- `rate` rows count our own requests per rate-limit window; other scopes hold what the service
-- reported (e.g. Salesforce's daily API requests) per UTC day. `alerted` makes the 80 % alert
-- fire once per window however many workers record at once.
CREATE TABLE api_usage (
  connector_id  TEXT        NOT NULL,
  source        TEXT        NOT NULL,
  scope         TEXT        NOT NULL,
  window_start  TIMESTAMPTZ NOT NULL,
  used          DOUBLE PRECISION NOT NULL,
  usage_limit   DOUBLE PRECISION NOT NULL CHECK (usage_limit > 0),
  alerted       BOOLEAN     NOT NULL DEFAULT FALSE,
  updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (connector_id, scope, window_start)
);
CREATE INDEX api_usage_by_window ON api_usage (window_start);
