/**
 * A quarantined batch's lineage, as re-validation reads and extends it: the report validateBatch
 * stored, the staged quarantine lines, the warehouse's quarantine entries under the batch's loadId or
 * a re-validation's, and the loadIds re-validations load under.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ConnectorError } from './errors';
import type { ExpectationSuite } from './quality/suite';
import type { Row } from './sources/types';
import { LEDGER_TABLE, QUARANTINE_TABLE, quoteLiteral } from './warehouses/sql';
import type { Warehouse } from './warehouses/types';

/** What validateBatch stores beside the GX result: the run time, and where the failing rows are staged. */
export const storedReportMeta = z.object({
  meta: z.object({
    run_time: z.iso.datetime({ offset: true }),
    quarantine: z.object({ uri: z.string(), sha256: z.string(), rows: z.number() }).nullable().optional(),
  }),
});
export const quarantineLine = z.object({ record: z.record(z.string(), z.unknown()), reasons: z.array(z.string()) });
const lineageRows = z.array(z.object({ load_id: z.string(), record_key: z.string().nullable() }));

/** Stored or staged by us, so a mismatch will not mend itself: a data error, not a retry. */
export function parsed<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new ConnectorError('data', `${what} is not as expected: ${z.prettifyError(result.error)}`);
  return result.data;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The rules a suite checks, not its name or notes: two suites with the same rules judge alike. */
export const suiteHashOf = (suite: ExpectationSuite): string =>
  sha256(JSON.stringify(suite.expectations.map(({ type, kwargs }) => ({ type, kwargs })))).slice(0, 16);

export const revalidatedPrefix = (originalLoadId: string): string => `${originalLoadId}/revalidated/`;

/**
 * Named after the suite and the entries it replaces: a request that finds the lineage as another
 * request left it is a new load, while a retry of the same one finds its own ledger row.
 */
export const revalidationLoadId = (originalLoadId: string, suiteHash: string, superseded: string[]): string =>
  `${revalidatedPrefix(originalLoadId)}${suiteHash}/${sha256([...superseded].sort().join('\n')).slice(0, 16)}`;

export const keyOf = (record: Row, primaryKey: string): string | null => {
  const key = record[primaryKey];
  return key === null || key === undefined ? null : String(key);
};

/**
 * The quarantine entries of one batch: under its own loadId, or under a re-validation's. A loadId is
 * built from a UUID, a stream name and hex digests, so it is safe as a literal; `_` is a LIKE
 * wildcard, hence the exact filter afterwards.
 */
export async function quarantineLineage(warehouse: Warehouse, schema: string, originalLoadId: string) {
  const [ledger] = await warehouse.query(
    `select count(*) as n from ${schema}.${LEDGER_TABLE} where load_id = ${quoteLiteral(originalLoadId)}`,
  );
  if (Number(ledger?.n ?? 0) === 0) {
    throw new ConnectorError(
      'config',
      `batch ${originalLoadId} was never loaded (blocked, rejected or awaiting approval): its rows are not in the quarantine table`,
    );
  }
  const rows = await warehouse.query(
    `select load_id, record_key from ${schema}.${QUARANTINE_TABLE} where load_id like ${quoteLiteral(`${originalLoadId}%`)}`,
  );
  return parsed(lineageRows, rows, `${QUARANTINE_TABLE} rows`).filter(
    ({ load_id: id }) => id === originalLoadId || id.startsWith(revalidatedPrefix(originalLoadId)),
  );
}
