/**
 * A batch into BigQuery: each staged file goes up by a load job into a staging table of its own
 * (expiring after a day, so a worker killed mid-load leaves nothing behind for long), then one
 * script merges it under the ledger in a single transaction — again for a batch the ledger holds,
 * whose quarantine and ledger row it does not append again. Staging tables go when the load ends.
 */
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { LoadResult } from '../../../domain/cycle';
import { missingKeysError } from '../driver-errors';
import type { LoadBatch } from '../types';
import { runSql, type Session } from './connection';
import { asConnectorError } from './errors';
import { QUARANTINE_FILE_FIELDS, streamFields, type Field } from './schema';
import { loadTables, mergeScript, missingKeyCount, tablePath } from './statements';
import { createTable } from './tables';

const STAGING_LIFETIME_MS = 24 * 3_600_000;

const countsSchema = z.object({
  rows_merged: z.coerce.number(),
  rows_deleted: z.coerce.number(),
  rows_quarantined: z.coerce.number(),
});
const outcomeSchema = countsSchema.extend({ already_loaded: z.boolean() });

export async function loadBatch(session: Session, batch: LoadBatch): Promise<LoadResult> {
  const tables = loadTables(session.projectId, session.datasetId, batch.stream);
  const action = `loading batch ${batch.loadId} into ${batch.stream.table}`;
  const staged: string[] = [];
  try {
    const cleanStage = await stage(session, batch.cleanFile, streamFields(batch.stream), staged, action);
    const quarantineStage = await stage(session, batch.quarantineFile, QUARANTINE_FILE_FIELDS, staged, action);
    if (cleanStage) await requireKeys(session, cleanStage, batch, action);
    const [outcome] = await runSql(
      session,
      {
        sql: mergeScript({ ...tables, cleanStage, quarantineStage }, batch.stream),
        params: {
          load_id: batch.loadId,
          connector_id: batch.connectorId,
          stream: batch.stream.name,
          source: batch.source,
          key_path: `$.${batch.stream.primaryKey}`,
        },
      },
      action,
    );
    const { already_loaded, ...counts } = outcomeSchema.parse(outcome);
    return result(batch.loadId, already_loaded, counts);
  } finally {
    await Promise.all(staged.map((table) => dropQuietly(session, table)));
  }
}

function result(loadId: string, alreadyLoaded: boolean, counts: z.infer<typeof countsSchema>): LoadResult {
  return { loadId, alreadyLoaded, merged: counts.rows_merged, deleted: counts.rows_deleted, quarantined: counts.rows_quarantined };
}

/**
 * Uploads the file by a load job (multipart, NEWLINE_DELIMITED_JSON) into a new staging table typed
 * as `fields`; returns the table's path, or null when there is no file or it holds no rows.
 */
async function stage(
  session: Session,
  file: string | null,
  fields: readonly Field[],
  staged: string[],
  action: string,
): Promise<string | null> {
  if (!file) return null;
  const info = await stat(file);
  // A regular empty file holds no rows; a pipe reports no size until it is read.
  if (info.isFile() && info.size === 0) return null;
  const table = `_ih_stage_${randomUUID().replaceAll('-', '')}`;
  await createTable(session, table, fields, { expirationTime: String(Date.now() + STAGING_LIFETIME_MS) });
  staged.push(table);
  try {
    await session.dataset.table(table).load(file, {
      sourceFormat: 'NEWLINE_DELIMITED_JSON',
      writeDisposition: 'WRITE_APPEND',
      createDisposition: 'CREATE_NEVER',
      // Keys outside the stream are not the warehouse's business (as in every other plug-in).
      ignoreUnknownValues: true,
      jobPrefix: 'ih_load_',
    });
  } catch (error) {
    throw asConnectorError(error, `${action} (${path.basename(file)})`);
  }
  return tablePath(session.projectId, session.datasetId, table);
}

/** BigQuery enforces no primary key: a row without one is refused here, before anything merges. */
async function requireKeys(session: Session, stage: string, batch: LoadBatch, action: string): Promise<void> {
  const [row] = await runSql(session, { sql: missingKeyCount(stage, batch.stream) }, action);
  const missing = Number(row?.missing ?? 0);
  if (missing > 0) throw missingKeysError(batch.stream, missing);
}

/** Best effort: a staging table that cannot be dropped now expires by itself. */
async function dropQuietly(session: Session, table: string): Promise<void> {
  await session.dataset
    .table(table)
    .delete()
    .catch(() => undefined);
}
