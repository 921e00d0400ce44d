-- Daily roll-ups kept on write (issue 11, "fast on 90 days"): /analyze, connector health and ROI
-- sum days, never runs, so their cost grows with the days asked for, not with how often a connector
-- runs. Each row is recomputed from its day's run reports or quality reports whenever one of them is
-- saved (activities/store/rollups.ts): a retried save changes nothing, and the figures always agree
-- with the reports they come from. Days are UTC. Retention sweeps of the reports leave these alone:
-- they hold counts, no personal data.

CREATE TABLE run_day (
  connector_id    UUID NOT NULL,
  day             DATE NOT NULL,
  runs            INT NOT NULL,
  completed       INT NOT NULL,
  deferred        INT NOT NULL,
  blocked         INT NOT NULL,
  failed          INT NOT NULL,
  run_seconds     DOUBLE PRECISION NOT NULL,
  last_run_at     TIMESTAMPTZ NOT NULL,
  last_success_at TIMESTAMPTZ,
  PRIMARY KEY (connector_id, day)
);

CREATE TABLE stream_day (
  connector_id UUID NOT NULL,
  day          DATE NOT NULL,
  stream       VARCHAR(100) NOT NULL,
  extracted    DOUBLE PRECISION NOT NULL,
  loaded       DOUBLE PRECISION NOT NULL,
  quarantined  DOUBLE PRECISION NOT NULL,
  deleted      DOUBLE PRECISION NOT NULL,
  api_calls    DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (connector_id, day, stream)
);

-- Per rule (the expectation as Great Expectations configured it, keyed by its text's MD5): rows
-- failing it. The row whose rule_key is '' holds the rows evaluated (each report's largest element_count).
CREATE TABLE rule_day (
  connector_id UUID NOT NULL,
  day          DATE NOT NULL,
  stream       VARCHAR(100) NOT NULL,
  rule_key     VARCHAR(32) NOT NULL,
  expectation  JSONB,
  rows         DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (connector_id, day, stream, rule_key)
);

-- The benefit settings ROI is computed with, per connector id; scope '*' holds the defaults.
CREATE TABLE roi_settings (
  scope       VARCHAR(36) PRIMARY KEY,
  settings    JSONB NOT NULL,
  updated_by  VARCHAR(255) NOT NULL,
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX idx_approval_decided ON approval (decided_at DESC) WHERE status = 'decided';
CREATE INDEX idx_connector_activity_created ON connector_activity (created_at DESC, seq DESC);
