/**
 * Reading the customer models through the warehouse query endpoint (POST /api/v1/warehouse/query),
 * the same read-only, audited, role-checked path an analyst's SQL takes. Values go as bound
 * parameters (segment-sql.js), numbers as numbers; the schema is the connector's destination
 * schema, checked as an identifier.
 */
import { call, get } from './api.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Where the models of a connector's destination are: its connector id and schema. */
export async function modelsOf(connectorId) {
  const connector = await get(`/api/v1/data-warehouse-connector/${connectorId}`);
  const schema = connector.configuration.destination.schema ?? 'marketing';
  if (!IDENTIFIER.test(schema)) throw new Error(`the destination schema ${schema} is not a plain SQL identifier`);
  const { kind, projectId } = connector.configuration.destination;
  // projectId: BigQuery's, which the Tableau data source names its tables with.
  return { connectorId, kind, schema, project: projectId, table: (name) => `${schema}.${name}` };
}

/** The rows of one query on the models; `params` are bound to its placeholders (segment-sql.js). */
export async function rowsOf(place, sql, maxRows = 1000, params = []) {
  const answer = await call('POST', '/api/v1/warehouse/query', { connectorId: place.connectorId, sql, params, maxRows });
  return answer.rows;
}
