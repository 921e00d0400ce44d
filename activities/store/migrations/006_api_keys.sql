-- API keys (issue 6): who may call the API, in which role.
--
-- Only a SHA-256 of each key is kept: the key itself is shown once, when issued. A key is looked up by
-- its public id (the part of `ihk_<key_id>_<secret>` before the secret), then the hash is compared.
-- Keys are revoked, never deleted, so the audit trail can always name the key an action came through.

CREATE TABLE api_key (
  id            UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  key_id        VARCHAR(32) NOT NULL UNIQUE,
  secret_sha256 CHAR(64) NOT NULL,
  subject       VARCHAR(255) NOT NULL,
  role          VARCHAR(32) NOT NULL,
  label         VARCHAR(255),
  created_by    VARCHAR(255) NOT NULL,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  expires_at    TIMESTAMPTZ,
  revoked_at    TIMESTAMPTZ
);
CREATE INDEX idx_api_key_created ON api_key (created_at DESC);
