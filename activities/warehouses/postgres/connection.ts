/**
 * The pg pool behind a PostgreSQL warehouse: the driver loaded on first use, every session in UTC,
 * values read back as plain JSON-safe data, and pg's errors sorted into the connector taxonomy.
 */
import type * as Pg from 'pg';
import type { Pool, PoolClient } from 'pg';
import { ConnectorError } from '../../errors';
import { logger } from '../../logger';
import { pgTransaction } from '../../pg-transaction';
import { DATA_HINT, NETWORK_CODES, maskQuoted } from '../driver-errors';
import { lazily } from '../base';
import { plainInteger } from '../sql';

type Driver = typeof Pg;

/** pg loads on first use, so processes writing to other warehouses never pay for it. */
const loadDriver: () => Promise<Driver> = lazily(() => import('pg'));

/** PostgreSQL type OIDs whose default JS form is not plain data. */
const OID = { int8: 20, date: 1082, timestamp: 1114, timestamptz: 1184 } as const;

/**
 * bigint as an exact number (or its decimal string), dates as YYYY-MM-DD rather than a local-midnight
 * Date, instants as ISO-8601 UTC strings; everything else as pg parses it (jsonb parsed, arrays as arrays).
 */
function plainTypes(pg: Driver): InstanceType<Driver['TypeOverrides']> {
  const types = new pg.TypeOverrides();
  types.setTypeParser(OID.int8, 'text', (text) => plainInteger(BigInt(text)));
  types.setTypeParser(OID.date, 'text', (text) => text);
  const parseInstant = pg.types.getTypeParser(OID.timestamptz, 'text');
  types.setTypeParser(OID.timestamptz, 'text', (text) => isoOr(parseInstant(text), text));
  // A timestamp without a zone is read as UTC, not as the worker's local time.
  types.setTypeParser(OID.timestamp, 'text', (text) => isoOr(new Date(`${text.replace(' ', 'T')}Z`), text));
  return types;
}

/** ±infinity and dates beyond JS's range stay as PostgreSQL wrote them. */
function isoOr(value: unknown, text: string): string {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : text;
}

export async function openPool(url: string | undefined): Promise<Pool> {
  const pg = await loadDriver();
  const pool = new pg.Pool({
    // Without a URL pg reads PGHOST, PGUSER, PGPASSWORD, PGDATABASE… from the environment.
    connectionString: url,
    max: 4,
    application_name: 'insight-hub',
    // Sessions in UTC: dates widened to instants become midnight UTC, and text output is unambiguous.
    options: '-c TimeZone=UTC',
    types: plainTypes(pg),
  });
  // An idle connection dropped by the server must not crash the worker; the next use reconnects.
  pool.on('error', (error) => logger.warn({ err: error.message }, 'PostgreSQL warehouse connection lost'));
  return pool;
}

/** `work` in a transaction on a pooled connection (pgTransaction), its failures in the connector taxonomy. */
export async function inTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
  options: { readOnly?: boolean; subject?: string } = {},
): Promise<T> {
  const client = await pool.connect().catch((error: unknown) => {
    throw asConnectorError(error);
  });
  try {
    return await pgTransaction(client, work, options.readOnly ? 'BEGIN READ ONLY' : 'BEGIN');
  } catch (error) {
    throw asConnectorError(error, options.subject);
  }
}

function property(error: unknown, name: string): string | undefined {
  if (typeof error !== 'object' || error === null || !(name in error)) return undefined;
  const value: unknown = Reflect.get(error, name);
  return typeof value === 'string' ? value : undefined;
}

/**
 * pg errors by SQLSTATE class. Messages about values (class 22) quote the value, which may be personal
 * data: only their shape is kept, said of `subject` (e.g. the batch). Errors of the caller's own SQL
 * (syntax, missing table) pass unchanged.
 */
export function asConnectorError(error: unknown, subject = 'a value'): unknown {
  if (error instanceof ConnectorError) return error;
  const code = property(error, 'code') ?? '';
  const message = property(error, 'message') ?? String(error);
  if (NETWORK_CODES.has(code) || code.startsWith('08') || code === '57P01' || /Connection terminated/i.test(message)) {
    return new ConnectorError('transient', `the PostgreSQL warehouse is unreachable: ${code || message}`);
  }
  if (code === '28P01' || code === '28000') {
    return new ConnectorError('auth', 'PostgreSQL refused the credentials', 'check the destination URL or PGUSER/PGPASSWORD');
  }
  if (code === '3D000') return new ConnectorError('config', `the PostgreSQL warehouse database does not exist`);
  if (code === '40001' || code === '40P01' || code === '55P03') {
    return new ConnectorError('transient', `PostgreSQL aborted the work to resolve a conflict (${code})`);
  }
  if (code.startsWith('22') || code === '23502') {
    const shape = maskQuoted(message, '"…"');
    return new ConnectorError('data', `${subject} does not fit its column type: ${shape} (SQLSTATE ${code})`, DATA_HINT);
  }
  return error;
}
