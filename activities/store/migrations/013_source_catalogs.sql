-- Each connector's catalog as its cycle's plan last discovered it (domain/catalog.ts), for a source
-- whose fields come from the account (Salesforce's describe): every activity of that cycle reads,
-- validates, measures and loads its streams by it, so all of them see the same columns.
CREATE TABLE source_catalog (
  connector_id UUID PRIMARY KEY,
  catalog      JSONB NOT NULL,
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
