/**
 * What every system of the side-by-side run reads: Insight Hub's contact stream, the same SOQL
 * Insight Hub sends for a first read, each field's DuckDB type (Insight Hub's own), and the page walk.
 */
import { sourceFieldOf } from '../../activities/sources/definition';
import { salesforceStreams } from '../../activities/sources/salesforce/definition';
import { buildSoql } from '../../activities/sources/salesforce/soql';
import { COLUMN_TYPES } from '../../activities/warehouses/duckdb/tables';

const contact = salesforceStreams.contact;

export const CONTACT_SOQL = buildSoql(contact, null);

/** Salesforce field name → DuckDB type, in the stream's column order; the key field first. */
export const CONTACT_FIELDS: Record<string, string> = Object.fromEntries(
  contact.columns.map((column) => [sourceFieldOf(column), COLUMN_TYPES[column.type]]),
);

export const CONTACT_KEY = 'Id';

/** The simulator's (and Salesforce's) page reads: the password grant, then queryAll and its next pages. */
export async function* contactPages(simulatorUrl: string): AsyncGenerator<Record<string, unknown>[]> {
  const { SIMULATOR_CREDENTIALS: login } = await import('../../simulators/salesforce/server');
  const form = new URLSearchParams({
    grant_type: 'password',
    client_id: login.clientId,
    client_secret: login.clientSecret,
    username: login.username,
    password: login.password,
  });
  const token = (await (await fetch(`${simulatorUrl}/services/oauth2/token`, { method: 'POST', body: form })).json()) as {
    access_token: string;
    instance_url: string;
  };
  const headers = { authorization: `Bearer ${token.access_token}` };
  let next: string | undefined = `/services/data/v62.0/queryAll?q=${encodeURIComponent(CONTACT_SOQL)}`;
  while (next) {
    const response = await fetch(`${token.instance_url}${next}`, { headers });
    if (!response.ok) throw new Error(`page read answered ${response.status}: ${await response.text()}`);
    const page = (await response.json()) as { records: Record<string, unknown>[]; nextRecordsUrl?: string };
    yield page.records;
    next = page.nextRecordsUrl;
  }
}
