-- One ingestion cycle per connector at a time: the cycle that holds a connector's row may load into
-- its warehouse and move its cursors; any other cycle of that connector ends as skipped. A holder that
-- closed without releasing (failed, terminated) is replaced by the next cycle once Temporal says so.
CREATE TABLE cycle_claim (
  connector_id  TEXT        PRIMARY KEY,
  workflow_id   TEXT        NOT NULL,
  claimed_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Why a cycle ended as it did when no stream says so, e.g. skipped because another cycle ran.
ALTER TABLE cycle_run ADD COLUMN detail TEXT;
