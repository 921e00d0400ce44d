-- The control plane: the spec's four entities (connector configuration, activity log, metrics,
-- outcome) plus stream cursors, quality reports and cycle run reports.
--
-- Only stream cursors reference connector_config: deleting a connector drops its cursors but keeps
-- its audit trail, metrics, outcomes and reports, which is why those carry config_id without a
-- foreign key (a cascading SET NULL would also be an UPDATE the append-only log refuses).

CREATE TABLE connector_config (
  id            UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id       VARCHAR(255) NOT NULL,
  name          VARCHAR(255) NOT NULL,
  description   TEXT,
  configuration JSONB NOT NULL DEFAULT '{}',
  status        VARCHAR(50) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_connector_config_user_id ON connector_config (user_id);
CREATE INDEX idx_connector_config_status ON connector_config (status);
CREATE INDEX idx_connector_config_created_at ON connector_config (created_at DESC);

CREATE TABLE connector_activity (
  id            UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Insertion order, so entries written in one transaction (one now()) still list in order.
  seq           BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  config_id     UUID NOT NULL,
  user_id       VARCHAR(255) NOT NULL,
  activity_type VARCHAR(100) NOT NULL,
  details       JSONB NOT NULL DEFAULT '{}',
  metrics       JSONB,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_connector_activity_config_seq ON connector_activity (config_id, seq DESC);
CREATE INDEX idx_connector_activity_type ON connector_activity (config_id, activity_type);

-- The audit log is append-only: no UPDATE, DELETE or TRUNCATE gets through, whoever asks.
CREATE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'connector_activity is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER connector_activity_append_only
  BEFORE UPDATE OR DELETE ON connector_activity
  FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER connector_activity_no_truncate
  BEFORE TRUNCATE ON connector_activity
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();

CREATE TABLE connector_metrics (
  id         UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  config_id  UUID NOT NULL,
  user_id    VARCHAR(255) NOT NULL,
  date       DATE NOT NULL,
  metrics    JSONB NOT NULL DEFAULT '{}',
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (config_id, date)
);

CREATE TABLE connector_outcome (
  id         UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  config_id  UUID NOT NULL,
  user_id    VARCHAR(255) NOT NULL,
  predicted  JSONB NOT NULL DEFAULT '{}',
  actual     JSONB NOT NULL DEFAULT '{}',
  accuracy   NUMERIC,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_connector_outcome_config ON connector_outcome (config_id, created_at DESC);

CREATE TABLE stream_cursor (
  connector_id UUID NOT NULL REFERENCES connector_config (id) ON DELETE CASCADE,
  stream       VARCHAR(100) NOT NULL,
  cursor_value TEXT NOT NULL,
  last_key     TEXT NOT NULL,
  committed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (connector_id, stream)
);

CREATE TABLE quality_report (
  id           UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  connector_id UUID NOT NULL,
  stream       VARCHAR(100) NOT NULL,
  batch_sha256 VARCHAR(128) NOT NULL,
  report       JSONB NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (connector_id, stream, batch_sha256)
);

CREATE TABLE cycle_run (
  workflow_id  TEXT PRIMARY KEY,
  connector_id UUID NOT NULL,
  status       VARCHAR(20) NOT NULL
    CHECK (status IN ('running', 'completed', 'deferred', 'blocked', 'failed', 'skipped')),
  started_at   TIMESTAMPTZ NOT NULL,
  finished_at  TIMESTAMPTZ,
  -- The per-stream reports (domain/cycle.ts StreamReport[]), as the workflow returned them.
  streams      JSONB NOT NULL DEFAULT '[]',
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_cycle_run_connector_started ON cycle_run (connector_id, started_at DESC);
