/**
 * Reading the customer models through the warehouse query endpoint (POST /api/v1/warehouse/query),
 * the same read-only, audited, role-checked path an analyst's SQL takes. Values put into SQL are
 * numbers or quoted literals; the schema is the connector's destination schema, checked as an identifier.
 */
import { call, get } from './api.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A string as an SQL literal. */
export const literal = (value) => `'${String(value).replaceAll("'", "''")}'`;

/** A number for SQL, or the fallback when the input is not one. */
export const numeric = (value, fallback) => (Number.isFinite(Number(value)) && value !== '' ? Number(value) : fallback);

/** Where the models of a connector's destination are: its connector id and schema. */
export async function modelsOf(connectorId) {
  const connector = await get(`/api/v1/data-warehouse-connector/${connectorId}`);
  const schema = connector.configuration.destination.schema ?? 'marketing';
  if (!IDENTIFIER.test(schema)) throw new Error(`the destination schema ${schema} is not a plain SQL identifier`);
  return { connectorId, kind: connector.configuration.destination.kind, schema, table: (name) => `${schema}.${name}` };
}

/** The rows of one query on the models. */
export async function rowsOf(place, sql, maxRows = 1000) {
  const answer = await call('POST', '/api/v1/warehouse/query', { connectorId: place.connectorId, sql, maxRows });
  return answer.rows;
}
