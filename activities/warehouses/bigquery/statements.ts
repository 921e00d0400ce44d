/**
 * The GoogleSQL the plug-in sends. Only identifiers are spliced in (backtick-quoted); values
 * always travel as query parameters (@load_id, @p0…).
 */
import type { StreamDefinition } from '../../../domain/streams/types';
import { DELETIONS_TABLE, LEDGER_TABLE, QUARANTINE_TABLE, mergeStatement, replaces } from '../sql';
import { dropBuriedVersions, recordDeletions, type TombstoneDialect } from '../tombstones';
import { SQL_TYPES } from './schema';

/** A backtick-quoted identifier or path; backslash escapes as in GoogleSQL. */
export function quoted(name: string): string {
  return `\`${name.replace(/[`\\]/g, (char) => `\\${char}`)}\``;
}

/** `project.dataset.table`, quoted as one path (project ids may hold dashes). */
export function tablePath(projectId: string, dataset: string, table: string): string {
  return quoted(`${projectId}.${dataset}.${table}`);
}

export interface LoadTables {
  target: string;
  ledger: string;
  quarantine: string;
  deletions: string;
  /** The staging table the clean file was loaded into; null when the batch has no clean rows. */
  cleanStage: string | null;
  quarantineStage: string | null;
}

export function loadTables(
  projectId: string,
  dataset: string,
  stream: StreamDefinition,
): Omit<LoadTables, 'cleanStage' | 'quarantineStage'> {
  return {
    target: tablePath(projectId, dataset, stream.table),
    ledger: tablePath(projectId, dataset, LEDGER_TABLE),
    quarantine: tablePath(projectId, dataset, QUARANTINE_TABLE),
    deletions: tablePath(projectId, dataset, DELETIONS_TABLE),
  };
}

export function missingKeyCount(stage: string, stream: StreamDefinition): string {
  return `SELECT COUNTIF(${quoted(stream.primaryKey)} IS NULL) AS missing FROM ${stage}`;
}

const TOMBSTONES: TombstoneDialect = {
  quote: quoted,
  text: SQL_TYPES.string,
  now: 'CURRENT_TIMESTAMP()',
  connectorId: '@connector_id',
  stream: '@stream',
};

/**
 * One script, one transaction: note whether the ledger already holds the load; keep the latest
 * version of each key, and drop the versions that would change nothing (older than the stored row,
 * or in place from this very load) or that a recorded deletion outdates; write the ledger row (its
 * figures counted before anything changes, so only rows really written or removed); delete and
 * record deletions, merge, append quarantine; commit. The ledger row and the quarantine are void
 * when the load was recorded already, so even two racing attempts leave one copy, while the merge
 * runs again and changes only what was changed since. The last SELECT reports what the ledger holds.
 */
export function mergeScript(tables: LoadTables, stream: StreamDefinition): string {
  const key = quoted(stream.primaryKey);
  const deletedFlag = stream.deletedColumn ? quoted(stream.deletedColumn) : null;
  const kept = deletedFlag ? `${deletedFlag} IS NOT TRUE` : 'TRUE';
  const removed = deletedFlag ? `${deletedFlag} IS TRUE` : 'FALSE';
  const pending = 'EXISTS (SELECT 1 FROM ih_pending)';
  const statements = [
    'BEGIN TRANSACTION',
    `CREATE TEMP TABLE ih_pending AS SELECT @load_id AS load_id FROM (SELECT 1 AS one)
     WHERE NOT EXISTS (SELECT 1 FROM ${tables.ledger} WHERE load_id = @load_id)`,
  ];
  if (tables.cleanStage) {
    statements.push(batchTable(tables.cleanStage, stream), withoutStaleVersions(tables.target, stream));
    if (deletedFlag) statements.push(dropBuriedVersions('ih_batch', tables.deletions, stream, TOMBSTONES));
  }
  const batchCount = (condition: string): string => (tables.cleanStage ? `(SELECT COUNT(*) FROM ih_batch WHERE ${condition})` : '0');
  const deletions = `SELECT ${key} FROM ih_batch WHERE ${removed}`;
  const deletedCount = tables.cleanStage && deletedFlag ? `(SELECT COUNT(*) FROM ${tables.target} WHERE ${key} IN (${deletions}))` : '0';
  const quarantinedCount = tables.quarantineStage ? `(SELECT COUNT(*) FROM ${tables.quarantineStage})` : '0';
  statements.push(
    `INSERT INTO ${tables.ledger} (load_id, connector_id, stream, rows_merged, rows_deleted, rows_quarantined, loaded_at)
     SELECT load_id, @connector_id, @stream, ${batchCount(kept)}, ${deletedCount}, ${quarantinedCount}, CURRENT_TIMESTAMP()
     FROM ih_pending`,
  );
  if (tables.cleanStage && deletedFlag) {
    statements.push(
      `DELETE FROM ${tables.target} WHERE ${key} IN (${deletions})`,
      recordDeletions('ih_batch', tables.deletions, stream, (s) => `${s}.${deletedFlag} IS TRUE`, TOMBSTONES),
    );
  }
  // The batch holds no stale version by now; the MERGE's condition keeps it right on its own too.
  if (tables.cleanStage)
    statements.push(mergeStatement(tables.target, `(SELECT * FROM ih_batch WHERE ${kept})`, stream, { quote: quoted }));
  if (tables.quarantineStage) {
    statements.push(
      `INSERT INTO ${tables.quarantine} (load_id, connector_id, stream, record_key, reasons, record, quarantined_at)
       SELECT @load_id, @connector_id, @stream, JSON_VALUE(record, @key_path), reasons, record, CURRENT_TIMESTAMP()
       FROM ${tables.quarantineStage} WHERE ${pending}`,
    );
  }
  statements.push(
    'COMMIT TRANSACTION',
    `SELECT rows_merged, rows_deleted, rows_quarantined, NOT ${pending} AS already_loaded
     FROM ${tables.ledger} WHERE load_id = @load_id`,
  );
  return `${statements.join(';\n')};`;
}

/** The batch with metadata stamped on, one row per key: the latest by cursor. */
function batchTable(stage: string, stream: StreamDefinition): string {
  const columns = stream.columns.map((column) => quoted(column.name)).join(', ');
  return `CREATE TEMP TABLE ih_batch AS
     SELECT ${columns}, @load_id AS _ih_load_id, CURRENT_TIMESTAMP() AS _ih_loaded_at,
       @source AS _ih_source, @connector_id AS _ih_connector_id
     FROM ${stage}
     QUALIFY ROW_NUMBER() OVER (PARTITION BY ${quoted(stream.primaryKey)} ORDER BY ${quoted(stream.cursorColumn)} DESC NULLS LAST) = 1`;
}

/**
 * Drops the batch rows that do not replace the stored version of their key (older, or in place from
 * this very load), deletions included: what is left after the tombstones' turn is exactly what the
 * load writes or removes, so the ledger's figures can be counted from it.
 */
function withoutStaleVersions(target: string, stream: StreamDefinition): string {
  const key = quoted(stream.primaryKey);
  return `DELETE ih_batch AS s WHERE EXISTS (
       SELECT 1 FROM ${target} AS t WHERE t.${key} = s.${key} AND NOT ${replaces('s', 't', stream, { quote: quoted })})`;
}

/** Counts, then deletes, in one transaction, so the count is exactly what was deleted. */
export function deleteScript(target: string, condition: string): string {
  return [
    'BEGIN TRANSACTION',
    `CREATE TEMP TABLE ih_deleted AS SELECT COUNT(*) AS deleted FROM ${target} WHERE ${condition}`,
    `DELETE FROM ${target} WHERE ${condition}`,
    'COMMIT TRANSACTION',
    'SELECT deleted FROM ih_deleted',
  ].join(';\n');
}

/** ALTER COLUMN … SET DATA TYPE, for widenings BigQuery applies without rewriting the table. */
export function setDataType(target: string, column: string, type: keyof typeof SQL_TYPES): string {
  return `ALTER TABLE ${target} ALTER COLUMN ${quoted(column)} SET DATA TYPE ${SQL_TYPES[type]}`;
}
