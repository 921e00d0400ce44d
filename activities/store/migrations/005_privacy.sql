-- Privacy (issue 6): erasure requests, the suppression list, retention proofs, and the one controlled
-- path by which the append-only audit log loses entries past their retention window.

-- An erasure request keeps its subject sealed with the secrets key ring (never in workflow history),
-- and only until the erasure completes; the receipt (domain/privacy.ts ErasureReceipt) names no subject.
CREATE TABLE erasure_request (
  id             UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  sealed_subject TEXT,
  subject_kind   VARCHAR(20) NOT NULL CHECK (subject_kind IN ('email', 'customerId')),
  reason         VARCHAR(20) NOT NULL CHECK (reason IN ('gdpr', 'ccpa')),
  requested_by   VARCHAR(255) NOT NULL,
  workflow_id    TEXT NOT NULL,
  status         VARCHAR(20) NOT NULL DEFAULT 'accepted' CHECK (status IN ('accepted', 'running', 'completed', 'failed')),
  receipt        JSONB,
  requested_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  finished_at    TIMESTAMPTZ,
  CHECK (status <> 'completed' OR sealed_subject IS NULL)
);
CREATE INDEX idx_erasure_request_requested ON erasure_request (requested_at DESC);

-- Subjects never loaded again, as keyed hashes (HMAC under a key derived from a key-ring key, named by
-- key_id so a rotated ring still matches): the list itself holds no email or customer id.
CREATE TABLE suppression_list (
  key_id       VARCHAR(64) NOT NULL,
  subject_hash CHAR(64) NOT NULL,
  request_id   UUID NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (key_id, subject_hash)
);

-- The latest proof of each data type's sweep, per scope ('platform' or a connector id), so a late or
-- missing sweep can be told without reading the audit log (which is itself swept).
CREATE TABLE retention_proof (
  data_type  VARCHAR(30) NOT NULL,
  scope      VARCHAR(64) NOT NULL,
  cutoff     TIMESTAMPTZ NOT NULL,
  deleted    BIGINT NOT NULL CHECK (deleted >= 0),
  remaining  BIGINT NOT NULL CHECK (remaining >= 0),
  swept_at   TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (data_type, scope)
);

-- The audit log stays append-only, with one exception: sweep_audit_log may delete rows older than the
-- cutoff it was given. The trigger checks both: the call stack must run through that function, and
-- each row must be older than the cutoff the function published for this transaction. UPDATE, TRUNCATE
-- and every other DELETE are still refused.
CREATE FUNCTION guard_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  cutoff TEXT := current_setting('insight_hub.audit_sweep_cutoff', true);
  stack  TEXT;
BEGIN
  IF TG_OP = 'DELETE' AND coalesce(cutoff, '') <> '' THEN
    GET DIAGNOSTICS stack = PG_CONTEXT;
    IF stack LIKE '%function sweep_audit_log(%' AND OLD.created_at < cutoff::timestamptz THEN
      RETURN OLD;
    END IF;
  END IF;
  RAISE EXCEPTION 'connector_activity is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

DROP TRIGGER connector_activity_append_only ON connector_activity;
CREATE TRIGGER connector_activity_append_only
  BEFORE UPDATE OR DELETE ON connector_activity
  FOR EACH ROW EXECUTE FUNCTION guard_audit_change();

-- Deletes audit entries created before `cutoff` (which must lie in the past): of one connector, or of
-- every config id but `except_configs` (connectors with a policy of their own). Returns the count.
-- SECURITY DEFINER: on PostgreSQL the application role can be granted EXECUTE on this alone.
CREATE FUNCTION sweep_audit_log(cutoff TIMESTAMPTZ, only_config UUID, except_configs UUID[])
RETURNS BIGINT LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  removed BIGINT;
BEGIN
  IF cutoff >= now() THEN
    RAISE EXCEPTION 'sweep_audit_log: the cutoff % is not in the past', cutoff USING ERRCODE = 'invalid_parameter_value';
  END IF;
  PERFORM set_config('insight_hub.audit_sweep_cutoff', cutoff::text, true);
  DELETE FROM connector_activity
   WHERE created_at < cutoff
     AND (only_config IS NULL OR config_id = only_config)
     AND NOT (config_id = ANY (coalesce(except_configs, '{}')));
  GET DIAGNOSTICS removed = ROW_COUNT;
  PERFORM set_config('insight_hub.audit_sweep_cutoff', '', true);
  RETURN removed;
END
$$;
