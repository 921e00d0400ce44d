/**
 * A batch load: the staged NDJSON is streamed with COPY into a temporary table, typed there by
 * jsonb_to_record, then merged with INSERT … ON CONFLICT — deletions, tombstones, quarantine and the
 * ledger row in the same transaction, so a batch is loaded entirely or not at all. A batch the ledger
 * holds already is merged again (the cursor guard makes that change only what was changed since) but
 * appends nothing again.
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Pool, PoolClient } from 'pg';
import type { LoadResult } from '../../../domain/cycle';
import type { StreamDefinition } from '../../../domain/streams/types';
import { lazily } from '../base';
import { missingKeysError } from '../driver-errors';
import { DELETIONS_TABLE, LEDGER_TABLE, METADATA_COLUMNS, QUARANTINE_TABLE, qualifiedName, quoteIdentifier, replaces } from '../sql';
import { applyDeletions, type TombstoneDialect } from '../tombstones';
import { loadUnderLedger } from '../ledger';
import type { LoadBatch, LoadCounts } from '../types';
import { inTransaction } from './connection';
import { COLUMN_TYPES } from './tables';

const loadCopyStreams = lazily(() => import('pg-copy-streams'));

export function loadBatch(pool: Pool, schema: string, batch: LoadBatch): Promise<LoadResult> {
  const subject = `batch ${batch.loadId} of stream ${batch.stream.name}`;
  return inTransaction(
    pool,
    async (client) => {
      // Two workers given the same batch take turns; the second then finds the ledger row.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`insight-hub:load:${batch.loadId}`]);
      return loadUnderLedger(qualifiedName(schema, LEDGER_TABLE), batch, {
        rows: async (text, values) => (await client.query<unknown[]>({ text, values: [...values], rowMode: 'array' })).rows,
        mergeClean: (file) => mergeClean(client, schema, batch, file),
        appendQuarantine: (file) => appendQuarantine(client, schema, batch, file),
      });
    },
    { subject },
  );
}

/**
 * Streams the file's lines, verbatim and in order, into a temporary table. CSV with quote and
 * delimiter bytes JSON text never contains raw keeps COPY from interpreting anything in a line.
 */
async function copyLines(client: PoolClient, table: string, file: string): Promise<void> {
  const { from } = await loadCopyStreams();
  await client.query(`CREATE TEMP TABLE ${table} (position bigint GENERATED ALWAYS AS IDENTITY, line text) ON COMMIT DROP`);
  const copy = client.query(from(`COPY ${table} (line) FROM STDIN WITH (FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01')`));
  await pipeline(createReadStream(file), copy);
}

const CLEAN_LINES = '_ih_clean_lines';
const BATCH = '_ih_batch';
const LATEST = '_ih_latest';
const POSITION = '_ih_position';

async function mergeClean(client: PoolClient, schema: string, batch: LoadBatch, file: string): Promise<Omit<LoadCounts, 'quarantined'>> {
  const { stream } = batch;
  const key = quoteIdentifier(stream.primaryKey);
  await copyLines(client, CLEAN_LINES, file);
  // Every column typed as the stream declares it: keys outside the stream are ignored, missing ones are null.
  const recordType = stream.columns.map((c) => `${quoteIdentifier(c.name)} ${COLUMN_TYPES[c.type]}`).join(', ');
  await client.query(
    `CREATE TEMP TABLE ${BATCH} ON COMMIT DROP AS
     SELECT l.position AS ${POSITION}, r.* FROM ${CLEAN_LINES} l
     CROSS JOIN LATERAL jsonb_to_record(l.line::jsonb) AS r(${recordType})
     WHERE l.line IS NOT NULL`,
  );
  const keyless = await client.query<{ n: number }>(`SELECT count(*) AS n FROM ${BATCH} WHERE ${key} IS NULL`);
  const missingKeys = Number(keyless.rows[0]?.n ?? 0);
  if (missingKeys > 0) throw missingKeysError(stream, missingKeys);
  // A key seen twice in one batch keeps its latest version (by cursor, then by position in the file).
  await client.query(
    `CREATE TEMP TABLE ${LATEST} ON COMMIT DROP AS SELECT DISTINCT ON (${key}) * FROM ${BATCH}
     ORDER BY ${key}, ${quoteIdentifier(stream.cursorColumn)} DESC NULLS LAST, ${POSITION} DESC`,
  );
  const table = qualifiedName(schema, stream.table);
  const { deletedColumn } = stream;
  const run = async (sql: string, binds?: string[]): Promise<number> => (await client.query(sql, binds)).rowCount ?? 0;
  const tables = { staged: LATEST, target: table, deletions: qualifiedName(schema, DELETIONS_TABLE) };
  const deleted = deletedColumn ? await applyDeletions(run, batch, deletedColumn, tables, TOMBSTONES) : 0;
  const deletedFlag = deletedColumn ? quoteIdentifier(deletedColumn) : null;
  const upserts = await client.query(upsertStatement(table, stream, deletedFlag), [batch.loadId, batch.source, batch.connectorId]);
  return { merged: upserts.rowCount ?? 0, deleted };
}

const TOMBSTONES: TombstoneDialect = {
  quote: quoteIdentifier,
  text: COLUMN_TYPES.string,
  now: 'now()',
  connectorId: '$1::text',
  stream: '$2::text',
};

/** The metadata columns' values in an upsert: bound parameters $1–$3 and the load's time. */
const METADATA_VALUES: readonly (readonly [column: string, value: string])[] = [
  [METADATA_COLUMNS.loadId, '$1::text'],
  [METADATA_COLUMNS.loadedAt, 'now()'],
  [METADATA_COLUMNS.source, '$2::text'],
  [METADATA_COLUMNS.connectorId, '$3::text'],
];

/**
 * INSERT … ON CONFLICT: the latest version of each key replaces the row when it supersedes it and is
 * not in place already (`replaces`); the key itself never changes. The WHERE is checked against the
 * row as committed, even one a concurrent load just wrote, and a row it skips is not counted.
 */
function upsertStatement(table: string, stream: StreamDefinition, deletedFlag: string | null): string {
  const streamColumns = stream.columns.map((c) => quoteIdentifier(c.name));
  const columns = [...streamColumns, ...METADATA_VALUES.map(([column]) => quoteIdentifier(column))];
  const values = [...streamColumns, ...METADATA_VALUES.map(([, value]) => value)];
  const key = quoteIdentifier(stream.primaryKey);
  const updates = columns.filter((c) => c !== key).map((c) => `${c} = EXCLUDED.${c}`);
  return `INSERT INTO ${table} AS t (${columns.join(', ')})
    SELECT ${values.join(', ')} FROM ${LATEST}${deletedFlag ? ` WHERE ${deletedFlag} IS NOT TRUE` : ''}
    ON CONFLICT (${key}) DO UPDATE SET ${updates.join(', ')}
    WHERE ${replaces('EXCLUDED', 't', stream)}`;
}

const QUARANTINE_LINES = '_ih_quarantine_lines';

async function appendQuarantine(client: PoolClient, schema: string, batch: LoadBatch, file: string): Promise<number> {
  await copyLines(client, QUARANTINE_LINES, file);
  const inserted = await client.query(
    `INSERT INTO ${qualifiedName(schema, QUARANTINE_TABLE)}
       (load_id, connector_id, stream, record_key, reasons, record, quarantined_at)
     SELECT $1::text, $2::text, $3::text, q.entry -> 'record' ->> $4::text,
       ARRAY(SELECT jsonb_array_elements_text(q.entry -> 'reasons')), q.entry -> 'record', now()
     FROM (SELECT position, line::jsonb AS entry FROM ${QUARANTINE_LINES} WHERE line IS NOT NULL) q
     ORDER BY q.position`,
    [batch.loadId, batch.connectorId, batch.stream.name, batch.stream.primaryKey],
  );
  return inserted.rowCount ?? 0;
}
