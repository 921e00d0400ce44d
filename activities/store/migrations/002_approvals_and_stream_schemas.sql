-- Approval gates and the column sets of loaded tables (issue 3).
--
-- An approval is opened once (replays of the request change nothing) and decided once; `request` and
-- `resolution` hold domain/approvals.ts PendingApproval and ApprovalResolution as the workflow
-- recorded them. Like the audit trail, approvals outlive their connector: no foreign key.

CREATE TABLE approval (
  approval_id  TEXT PRIMARY KEY,
  connector_id UUID NOT NULL,
  workflow_id  TEXT NOT NULL,
  stream       VARCHAR(100) NOT NULL,
  request      JSONB NOT NULL,
  resolution   JSONB,
  status       VARCHAR(20) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'decided')),
  opened_at    TIMESTAMPTZ NOT NULL,
  decided_at   TIMESTAMPTZ,
  CHECK ((status = 'decided') = (resolution IS NOT NULL AND decided_at IS NOT NULL))
);
-- GET /approvals: pending ones by connector (the default view), then any status by connector.
CREATE INDEX idx_approval_pending_connector ON approval (connector_id, opened_at DESC) WHERE status = 'pending';
CREATE INDEX idx_approval_connector_opened ON approval (connector_id, opened_at DESC);
CREATE INDEX idx_approval_status_opened ON approval (status, opened_at DESC);
-- /analyze reads a connector's decisions in the order they were taken.
CREATE INDEX idx_approval_connector_decided ON approval (connector_id, decided_at) WHERE status = 'decided';

-- The columns a stream's table had at its last load (domain/streams/types.ts StreamColumn[]), so the
-- next batch can tell added, dropped and retyped columns.
CREATE TABLE stream_schema (
  connector_id UUID NOT NULL,
  stream       VARCHAR(100) NOT NULL,
  columns      JSONB NOT NULL,
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (connector_id, stream)
);

-- Cycles can now wait for a manager, run dry or end rejected (domain/cycle.ts CYCLE_STATUSES).
ALTER TABLE cycle_run DROP CONSTRAINT cycle_run_status_check;
ALTER TABLE cycle_run ADD CONSTRAINT cycle_run_status_check CHECK (status IN (
  'running', 'awaiting-approval', 'completed', 'dry-run', 'deferred', 'blocked', 'rejected', 'failed', 'skipped'));
