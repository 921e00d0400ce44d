-- Side effects an activity writes once however often it is retried: the audit rows, metrics and run
-- report of one activity execution (or of one load) commit together with their key, and a retry that
-- finds the key writes nothing.
CREATE TABLE recorded_effect (
  effect_key   TEXT        PRIMARY KEY,
  recorded_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX recorded_effect_by_time ON recorded_effect (recorded_at);
