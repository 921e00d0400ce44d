-- An approval whose cycle closed while it waited (terminated, timed out, unknown to Temporal) is
-- `abandoned`: no decision can reach it any more, so it leaves the pending list, the waiting gauges
-- and the "waiting too long" alert. Only a pending approval becomes abandoned, with when and why.

ALTER TABLE approval ADD COLUMN abandoned_at TIMESTAMPTZ;
ALTER TABLE approval ADD COLUMN abandoned_reason TEXT;
ALTER TABLE approval DROP CONSTRAINT approval_status_check;
ALTER TABLE approval ADD CONSTRAINT approval_status_check CHECK (status IN ('pending', 'decided', 'abandoned'));
ALTER TABLE approval ADD CONSTRAINT approval_abandoned_check
  CHECK ((status = 'abandoned') = (abandoned_at IS NOT NULL AND abandoned_reason IS NOT NULL));
